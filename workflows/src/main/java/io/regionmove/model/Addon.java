package io.regionmove.model;

import java.util.Collection;

/**
 * A managed service of an app, as the source region describes it.
 *
 * @param dataHandling how its data moves, decided by the source check; null in an addon recorded
 *     before the engines decided it (read {@link #handling()}, never this field)
 */
public record Addon(
    String id, String provider, String plan, String version, DataHandling dataHandling) {

  public static final String POSTGRESQL = "postgresql";

  /** An addon whose data handling is not decided: {@link #handling()} applies the legacy rule. */
  public Addon(String id, String provider, String plan, String version) {
    this(id, provider, plan, version, null);
  }

  /**
   * How its data moves. Legacy rule: an addon without {@code dataHandling} was recorded (in a
   * workflow history) before the engines decided it, when regionmove moved postgresql data only; it
   * is moved by an engine iff it is a postgresql addon, so those histories replay as they ran.
   */
  public DataHandling handling() {
    if (dataHandling != null) {
      return dataHandling;
    }
    return POSTGRESQL.equals(provider) ? DataHandling.ENGINE : DataHandling.NONE;
  }

  /** Whether it holds data that must reach the destination, by an engine or by hand. */
  public boolean holdsData() {
    return handling() != DataHandling.NONE;
  }

  /**
   * How one migration moves its data: by hand ({@link DataHandling#MANUAL}) when it holds data and
   * the user named it in {@code --manual-data}, else {@link #handling()}.
   */
  public DataHandling handlingWith(Collection<String> manualData) {
    return holdsData() && manualData.contains(id) ? DataHandling.MANUAL : handling();
  }

  public Addon withHandling(DataHandling handling) {
    return new Addon(id, provider, plan, version, handling);
  }
}
