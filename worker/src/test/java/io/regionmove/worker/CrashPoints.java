package io.regionmove.worker;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a crashing worker ({@link CrashingWorkerMain}) stops dead, as {@value #VARIABLE} spells it:
 * a comma-separated list of {@code <ActivityType>:<before|after|inside>:<attempt>}. A worker
 * process crashes at the first point it reaches; the test then SIGKILLs it and starts the next one
 * with the points still ahead ({@link #without}). The same point listed twice means the Nth call of
 * that activity type: its earlier calls have already been crashed at and retried (attempt 2) when
 * the next worker starts.
 */
record CrashPoints(List<Point> points) {

  /** The environment variable a {@link CrashingWorkerMain} reads its points from. */
  static final String VARIABLE = "REGIONMOVE_CRASH_AT";

  /** What a crashing worker prints on stdout just before it blocks, then the type and moment. */
  static final String MARKER = "CRASH-POINT";

  private static final Pattern MARKER_LINE =
      Pattern.compile(MARKER + " (\\w+) (before|after|inside) (\\d+|\\*)\\R");

  /**
   * The attempt of a point that any attempt reaches ({@code *}): for activities that run at the
   * same time as another (backup and restore), whose attempt numbers depend on which was killed
   * first.
   */
  static final int ANY_ATTEMPT = 0;

  /** When, inside one activity attempt, the worker dies. */
  enum When {
    /** The worker has started the attempt but the activity has done nothing. */
    BEFORE,
    /** The activity did its work and returned, but the result never reached Temporal. */
    AFTER,
    /** The activity is working and has heartbeated at least once. */
    INSIDE;

    String wire() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  record Point(String activityType, When when, int attempt) {

    Point {
      if (activityType == null || !activityType.matches("\\w+")) {
        throw new IllegalArgumentException("not an activity type: " + activityType);
      }
      if (when == null || attempt < ANY_ATTEMPT) {
        throw new IllegalArgumentException(
            "a crash point needs a moment and an attempt >= 1, or * for any");
      }
    }

    static Point parse(String text) {
      String[] parts = text.trim().split(":");
      if (parts.length != 3) {
        throw new IllegalArgumentException(
            "a crash point is <ActivityType>:<before|after|inside>:<attempt>, not '" + text + "'");
      }
      When when;
      try {
        when = When.valueOf(parts[1].trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("'" + parts[1] + "' is not before, after or inside", e);
      }
      String attempt = parts[2].trim();
      return new Point(
          parts[0].trim(), when, attempt.equals("*") ? ANY_ATTEMPT : Integer.parseInt(attempt));
    }

    boolean matches(String type, When moment, int attemptNumber) {
      return activityType.equals(type)
          && when == moment
          && (attempt == ANY_ATTEMPT || attempt == attemptNumber);
    }

    /** Whether the point is reached by an attempt of that number. */
    boolean matchesAttempt(int attemptNumber) {
      return attempt == ANY_ATTEMPT || attempt == attemptNumber;
    }

    private String attemptText() {
      return attempt == ANY_ATTEMPT ? "*" : Integer.toString(attempt);
    }

    /** The line a worker prints when it stops at this point. */
    String marker() {
      return MARKER + " " + activityType + " " + when.wire() + " " + attemptText();
    }

    @Override
    public String toString() {
      return activityType + ":" + when.wire() + ":" + attemptText();
    }
  }

  CrashPoints {
    points = List.copyOf(points);
  }

  static CrashPoints none() {
    return new CrashPoints(List.of());
  }

  /** Parses {@value #VARIABLE}'s value; null or blank is no point. */
  static CrashPoints parse(String list) {
    if (list == null || list.isBlank()) {
      return none();
    }
    return new CrashPoints(
        Arrays.stream(list.split(",")).filter(s -> !s.isBlank()).map(Point::parse).toList());
  }

  /** Every listed type at {@code when}, attempt 1. */
  static CrashPoints at(When when, String... activityTypes) {
    return new CrashPoints(Arrays.stream(activityTypes).map(t -> new Point(t, when, 1)).toList());
  }

  /** The first point matching that activity attempt at that moment. */
  Optional<Point> find(String activityType, When when, int attempt) {
    return points.stream().filter(p -> p.matches(activityType, when, attempt)).findFirst();
  }

  /** These points minus one occurrence of {@code passed}. */
  CrashPoints without(Point passed) {
    List<Point> rest = new ArrayList<>(points);
    if (!rest.remove(passed)) {
      throw new IllegalArgumentException(passed + " is not among " + this);
    }
    return new CrashPoints(rest);
  }

  boolean isEmpty() {
    return points.isEmpty();
  }

  int size() {
    return points.size();
  }

  /** The point a worker's output says it stopped at, if it printed a marker. */
  static Optional<Point> reachedIn(String output) {
    Matcher m = MARKER_LINE.matcher(output);
    if (!m.find()) {
      return Optional.empty();
    }
    return Optional.of(
        new Point(
            m.group(1),
            When.valueOf(m.group(2).toUpperCase(Locale.ROOT)),
            m.group(3).equals("*") ? ANY_ATTEMPT : Integer.parseInt(m.group(3))));
  }

  /** The value of {@value #VARIABLE} for these points. */
  @Override
  public String toString() {
    return String.join(",", points.stream().map(Point::toString).toList());
  }
}
