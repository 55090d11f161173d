package io.regionmove.activities.data.postgres;

import io.regionmove.activities.data.Redaction;
import io.regionmove.activities.data.ToolFailedException;
import io.regionmove.activities.data.ToolProcess;
import io.regionmove.model.FailureType;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;

/** How the PostgreSQL jobs tell a failure a retry may cure from one it cannot. */
final class PostgresFailures {

  private PostgresFailures() {}

  /**
   * The tools, or a failure saying how to install them: no retry on this worker would find them.
   */
  static PostgresTools requireTools(PostgresTools tools) {
    if (tools == null) {
      throw ApplicationFailure.newNonRetryableFailure(
          "pg_dump and pg_restore were not found on this worker: install the PostgreSQL client"
              + " (apt-get install postgresql-client) or set "
              + PostgresTools.BIN_VARIABLE
              + ", then run the data step again",
          FailureType.INVALID_REQUEST.name());
    }
    return tools;
  }

  /** A tool that exited non-zero: retried, but a tool older than the server never will do. */
  static RuntimeException toolFailed(String program, int exit, ToolProcess process) {
    String detail = process.lastErrors();
    String message = program + " failed (exit status " + exit + "): " + detail;
    if (detail.contains("server version mismatch")) {
      return ApplicationFailure.newNonRetryableFailure(
          message + "; install a " + program + " at least as new as the server",
          FailureType.INVALID_REQUEST.name());
    }
    return new ToolFailedException(message);
  }

  static ToolFailedException storeFailed(IOException e) {
    return new ToolFailedException("backup store: " + Redaction.redact(e.toString()));
  }
}
