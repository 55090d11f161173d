package io.regionmove.sandbox.api;

import io.regionmove.sandbox.state.Redirect;

/** What the router needs to know of an app: whether it runs, and where it redirects to. */
public record RouterView(boolean running, Redirect redirect) {}
