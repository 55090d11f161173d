package io.regionmove.client;

/** No batch has this id in the Temporal namespace the client is connected to. */
public class BatchNotFoundException extends RuntimeException {

  public BatchNotFoundException(String batchId, Throwable cause) {
    super(
        "No batch has the id "
            + batchId
            + "; use the id that migration-batch printed (Batch ID: batch-...).",
        cause);
  }
}
