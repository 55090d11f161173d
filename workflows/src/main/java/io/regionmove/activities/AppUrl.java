package io.regionmove.activities;

/** The URL an app answers at in its region. */
public record AppUrl(String url) {}
