package io.regionmove.activities;

import io.regionmove.model.StatusChange;

/**
 * One status change to deliver to one webhook URL; the change's migration id and sequence make a
 * repeated delivery recognisable by the receiver.
 */
public record NotifyInput(String url, StatusChange change) {}
