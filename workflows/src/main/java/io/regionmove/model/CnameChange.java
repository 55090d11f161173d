package io.regionmove.model;

/** The DNS change an operator makes for one custom domain once the migration is finalized. */
public record CnameChange(String domain, String host) {}
