package io.regionmove.activities.data.mysql;

import io.regionmove.activities.data.Redaction;
import io.regionmove.activities.data.ToolFailedException;
import io.regionmove.activities.data.ToolProcess;
import io.regionmove.model.FailureType;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.sql.SQLException;

/** How the MySQL jobs tell a failure a retry may cure from one it cannot. */
final class MySqlFailures {

  private MySqlFailures() {}

  /**
   * The tools, or a failure saying how to install them: no retry on this worker would find them.
   */
  static MariaDbTools requireTools(MariaDbTools tools) {
    if (tools == null) {
      throw ApplicationFailure.newNonRetryableFailure(
          "mariadb-dump and mariadb were not found on this worker: install the MariaDB client"
              + " (apt-get install mariadb-client) or set "
              + MariaDbTools.BIN_VARIABLE
              + ", then run the data step again",
          FailureType.INVALID_REQUEST.name());
    }
    return tools;
  }

  /**
   * A tool that exited non-zero: retried (a server restart, a dropped connection), but not when the
   * addon's user lacks a privilege the tool needs, which no retry grants.
   */
  static RuntimeException toolFailed(String program, int exit, ToolProcess process) {
    String detail = process.lastErrors();
    String message = program + " failed (exit status " + exit + "): " + detail;
    if (detail.contains("Access denied") || detail.contains("command denied")) {
      return ApplicationFailure.newNonRetryableFailure(
          message + "; the addon's user needs every privilege on its database",
          FailureType.INVALID_REQUEST.name());
    }
    return new ToolFailedException(message);
  }

  static ToolFailedException storeFailed(IOException e) {
    return new ToolFailedException("backup store: " + Redaction.redact(e.toString()));
  }

  static ToolFailedException databaseFailed(String side, SQLException e) {
    return new ToolFailedException(side + " database: " + Redaction.redact(e.getMessage()));
  }
}
