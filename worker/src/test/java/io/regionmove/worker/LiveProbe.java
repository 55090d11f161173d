package io.regionmove.worker;

import com.fasterxml.jackson.databind.JsonNode;
import io.regionmove.sandbox.FaultOptions;
import io.regionmove.sandbox.postgres.PostgresServer;
import io.regionmove.testkit.RegionmoveTestStack;
import io.regionmove.testkit.SandboxProbe;
import io.temporal.api.common.v1.Payloads;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.workflow.v1.PendingActivityInfo;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** What the live ITs read and do on the regions' databases, as their superuser or the app. */
final class LiveProbe {

  private LiveProbe() {}

  static Connection connect(String url) throws SQLException {
    return PostgresServer.fromUrl(url).connect(PostgresServer.databaseOf(url));
  }

  static List<String> strings(String url, String sql) throws SQLException {
    try (Connection c = connect(url);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      List<String> rows = new ArrayList<>();
      while (rs.next()) {
        rows.add(rs.getString(1));
      }
      return rows;
    }
  }

  static String one(String url, String sql) throws SQLException {
    return strings(url, sql).get(0);
  }

  static void execute(String url, String sql) throws SQLException {
    try (Connection c = connect(url);
        Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  /**
   * What live mode could have left behind: replication slots and publications in the source addon's
   * database, subscriptions in the destination's.
   */
  static List<String> leftovers(RegionmoveTestStack stack, String sourceUrl, String destinationUrl)
      throws SQLException {
    List<String> left = new ArrayList<>();
    String database = PostgresServer.databaseOf(sourceUrl);
    try (Connection c = stack.postgres(RegionmoveTestStack.SOURCE).connect("postgres");
        PreparedStatement ps =
            c.prepareStatement("SELECT slot_name FROM pg_replication_slots WHERE database = ?")) {
      ps.setString(1, database);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          left.add("slot " + rs.getString(1));
        }
      }
    }
    strings(sourceUrl, "SELECT pubname FROM pg_publication")
        .forEach(p -> left.add("publication " + p));
    if (destinationUrl != null) {
      try (Connection c = stack.postgres(RegionmoveTestStack.DESTINATION).connect("postgres");
          Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT subname FROM pg_subscription")) {
        while (rs.next()) {
          left.add("subscription " + rs.getString(1));
        }
      }
    }
    return left;
  }

  /** Sequence → last value (never-used ones left out). */
  static Map<String, Long> sequences(String url) throws SQLException {
    Map<String, Long> values = new TreeMap<>();
    try (Connection c = connect(url);
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT schemaname || '.' || sequencename, last_value FROM pg_sequences"
                    + " WHERE last_value IS NOT NULL")) {
      while (rs.next()) {
        values.put(rs.getString(1), rs.getLong(2));
      }
    }
    return values;
  }

  /**
   * The source out of reach, as a far region can be: its Region API answers 503 and its addon's
   * database refuses connections.
   */
  static void cutOff(RegionmoveTestStack stack, String sourceUrl) throws SQLException {
    stack.source().setFaults(FaultOptions.parse("rate=1"));
    String database = PostgresServer.databaseOf(sourceUrl);
    try (Connection c = stack.postgres(RegionmoveTestStack.SOURCE).connect("postgres");
        Statement s = c.createStatement()) {
      s.execute("ALTER DATABASE \"" + database + "\" ALLOW_CONNECTIONS false");
      s.execute(
          "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '"
              + database
              + "'");
    }
  }

  static void reconnect(RegionmoveTestStack stack, String sourceUrl) throws SQLException {
    String database = PostgresServer.databaseOf(sourceUrl);
    try (Connection c = stack.postgres(RegionmoveTestStack.SOURCE).connect("postgres");
        Statement s = c.createStatement()) {
      s.execute("ALTER DATABASE \"" + database + "\" ALLOW_CONNECTIONS true");
    }
    stack.source().setFaults(FaultOptions.NONE);
  }

  /** The last heartbeat of the migration's pending activity of that type, as JSON; or null. */
  static JsonNode heartbeat(RegionmoveTestStack stack, String workflowId, String activityType) {
    DescribeWorkflowExecutionResponse description =
        stack
            .client()
            .getWorkflowServiceStubs()
            .blockingStub()
            .describeWorkflowExecution(
                DescribeWorkflowExecutionRequest.newBuilder()
                    .setNamespace(stack.client().getOptions().getNamespace())
                    .setExecution(WorkflowExecution.newBuilder().setWorkflowId(workflowId))
                    .build());
    for (PendingActivityInfo activity : description.getPendingActivitiesList()) {
      if (activity.getActivityType().getName().equals(activityType)
          && activity.hasHeartbeatDetails()) {
        Payloads details = activity.getHeartbeatDetails();
        return stack
            .client()
            .getOptions()
            .getDataConverter()
            .fromPayloads(
                details.getPayloadsCount() - 1,
                Optional.of(details),
                JsonNode.class,
                JsonNode.class);
      }
    }
    return null;
  }

  static int routerStatus(io.regionmove.sandbox.SandboxRegion region, String app) {
    return SandboxProbe.routerGet(region.routerUrl(app)).statusCode();
  }
}
