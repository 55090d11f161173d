package io.regionmove.activities;

import io.regionmove.model.Formation;

/** Starts an app with the given formation (the one remembered before it was stopped). */
public record StartAppInput(AppInput app, Formation formation) {}
