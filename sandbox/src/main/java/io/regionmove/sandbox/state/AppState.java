package io.regionmove.sandbox.state;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** One app as the region keeps it; mutated only under the region's lock. */
public final class AppState {
  public String name;
  public String reference;
  public boolean migrating;
  public Instant createdAt;
  public List<Container> formation = new ArrayList<>();
  public Settings settings = Settings.DEFAULT;
  public Redirect redirect;

  /** Plain variables only; generated ones come from {@link #addons}. */
  public List<Variable> variables = new ArrayList<>();

  public List<Collaborator> collaborators = new ArrayList<>();
  public List<Domain> domains = new ArrayList<>();
  public List<Notifier> notifiers = new ArrayList<>();
  public List<StoredAddon> addons = new ArrayList<>();

  public boolean running() {
    return formation.stream().anyMatch(c -> c.amount() > 0);
  }
}
