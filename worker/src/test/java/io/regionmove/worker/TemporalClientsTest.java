package io.regionmove.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.regionmove.activities.config.RegionConfig;
import io.regionmove.activities.config.Regions;
import io.regionmove.activities.config.UnknownRegionException;
import io.regionmove.worker.dev.FreePorts;
import io.temporal.client.WorkflowClient;
import io.temporal.testserver.TestServer;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TemporalClientsTest {

  @Test
  void anUnreachableServerIsOneSentenceNamingTheAddressWithinSeconds() {
    String address = "127.0.0.1:" + FreePorts.find();
    long started = System.nanoTime();
    TemporalUnreachableException e =
        assertThrows(
            TemporalUnreachableException.class, () -> TemporalClients.connect(address, "default"));
    Duration took = Duration.ofNanos(System.nanoTime() - started);
    assertEquals(address, e.address());
    assertTrue(e.getMessage().contains(address), e.getMessage());
    assertTrue(took.compareTo(Duration.ofSeconds(10)) < 0, "gave up after " + took);
  }

  @Test
  void searchAttributesRegisterTwiceWithoutComplaint() {
    int port = FreePorts.find();
    try (TestServer.PortBoundTestServer server = TestServer.createPortBoundServer(port)) {
      WorkflowClient client = TemporalClients.connect("127.0.0.1:" + port, "default");
      try {
        TemporalClients.registerSearchAttributes(client);
        TemporalClients.registerSearchAttributes(client);
      } finally {
        client.getWorkflowServiceStubs().shutdownNow();
      }
    }
  }

  @Test
  void aWorkerForARegionNobodyConfiguredIsRefused() {
    int port = FreePorts.find();
    try (TestServer.PortBoundTestServer server = TestServer.createPortBoundServer(port)) {
      WorkflowClient client = TemporalClients.connect("127.0.0.1:" + port, "default");
      try {
        Regions regions =
            Regions.of(new RegionConfig("agora-fr1", "http://127.0.0.1:1", "t", null));
        UnknownRegionException e =
            assertThrows(
                UnknownRegionException.class,
                () ->
                    RegionmoveWorker.start(
                        client, regions, new RegionmoveWorker.Options(Set.of("nowhere"), null)));
        assertTrue(e.getMessage().contains("agora-fr1"), e.getMessage());

        try (RegionmoveWorker worker =
            RegionmoveWorker.start(client, regions, new RegionmoveWorker.Options(Set.of(), null))) {
          assertEquals(Set.of("agora-fr1"), worker.regions());
        }
      } finally {
        client.getWorkflowServiceStubs().shutdownNow();
      }
    }
  }
}
