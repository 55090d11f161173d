package io.regionmove.sandbox.state;

import java.util.LinkedHashMap;
import java.util.Map;

/** Everything one region keeps: its generated token and its apps by name. */
public final class RegionState {
  public String region;
  public String token;
  public Map<String, AppState> apps = new LinkedHashMap<>();
}
