package io.regionmove.workflows;

import io.temporal.common.SearchAttributeKey;
import java.util.List;

/**
 * The Keyword search attributes a migration keeps current (SPEC §4); register them on the server.
 */
public final class MigrationSearchAttributes {

  public static final SearchAttributeKey<String> APP =
      SearchAttributeKey.forKeyword("RegionMigrationApp");
  public static final SearchAttributeKey<String> SOURCE =
      SearchAttributeKey.forKeyword("RegionMigrationSource");
  public static final SearchAttributeKey<String> DESTINATION =
      SearchAttributeKey.forKeyword("RegionMigrationDestination");
  public static final SearchAttributeKey<String> STATUS =
      SearchAttributeKey.forKeyword("RegionMigrationStatus");

  public static final List<SearchAttributeKey<String>> ALL =
      List.of(APP, SOURCE, DESTINATION, STATUS);

  private MigrationSearchAttributes() {}
}
