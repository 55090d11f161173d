package io.regionmove.activities.region;

import io.regionmove.activities.MoveInput;
import io.regionmove.regionapi.RegionApiException;
import io.regionmove.regionapi.RegionApp;
import io.regionmove.regionapi.RegionClient;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One configuration copy: the clients of both regions, the move, and the destination app as it was
 * just read (made by this migration).
 */
record ConfigMove(RegionClient source, RegionClient destination, MoveInput move, RegionApp target) {

  private static final Logger log = LoggerFactory.getLogger(ConfigMove.class);

  /** The source app's name. */
  String app() {
    return move.app();
  }

  /** The destination app's name. */
  String newName() {
    return move.newName();
  }

  /**
   * The names the copy took from the source, or {@code null} when the source app is gone: then
   * everything of that kind in the destination came from the copy (the app is this migration's).
   */
  <T> Set<String> copiedNames(
      Function<RegionClient, List<T>> list, Predicate<T> copied, Function<T, String> name) {
    try {
      return list.apply(source).stream().filter(copied).map(name).collect(Collectors.toSet());
    } catch (RegionApiException e) {
      if (e.isNotFound()) {
        log.warn(
            "source app {} in {} is gone; removing all copied items", move.app(), move.source());
        return null;
      }
      throw e;
    }
  }
}
