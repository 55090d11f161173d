package io.regionmove.cli;

import io.regionmove.activities.config.RegionConfig;
import io.regionmove.regionapi.RegionAddon;
import io.regionmove.regionapi.RegionApiException;
import io.regionmove.regionapi.RegionClient;
import io.regionmove.regionapi.RegionUnavailableException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The few Region API calls the CLI makes itself (a reachability probe, whether an app exists, the
 * demo's database URLs), through the one {@link RegionClient}; a region that does not answer or
 * refuses the token ends the command with exit code 3 and one sentence.
 */
final class RegionAccess {

  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  private final RegionConfig region;
  private final RegionClient client;

  RegionAccess(RegionConfig region) {
    this.region = region;
    this.client = new RegionClient(region, TIMEOUT, TIMEOUT);
  }

  /**
   * Fails with exit code 3 and one sentence when the region does not answer or refuses its token.
   */
  void probe() {
    call(
        () -> {
          try {
            return client.listAddonProviders();
          } catch (RegionApiException e) {
            if (e.status() == 401 || e.status() == 403) {
              throw e;
            }
            return null; // it answered: reachable, and the token is accepted
          }
        });
  }

  boolean appExists(String app) {
    return call(() -> client.findApp(app)).isPresent();
  }

  /** The app's addons; empty when the app does not exist. */
  Optional<List<RegionAddon>> addons(String app) {
    return call(
        () ->
            client.findApp(app).isEmpty() ? Optional.empty() : Optional.of(client.listAddons(app)));
  }

  /** The connection URL of the app's first postgresql addon, if it has one. */
  Optional<String> postgresqlUrl(String app) {
    return call(
        () -> {
          if (client.findApp(app).isEmpty()) {
            return Optional.empty();
          }
          return client.listAddons(app).stream()
              .filter(a -> "postgresql".equals(a.provider()))
              .findFirst()
              .map(a -> client.getAddon(app, a.id()).url());
        });
  }

  private <T> T call(Supplier<T> call) {
    try {
      return call.get();
    } catch (RegionApiException e) {
      if (e.status() == 401 || e.status() == 403) {
        throw new CliException(
            ExitCodes.UNREACHABLE,
            "Region "
                + region.name()
                + " refused the token of the regions file (HTTP "
                + e.status()
                + "); fix its token.",
            e);
      }
      throw new CliException(ExitCodes.FAILED, sentence(e.getMessage()), e);
    } catch (RegionUnavailableException e) {
      if (Thread.currentThread().isInterrupted()) {
        throw new CliException(
            ExitCodes.FAILED, "Interrupted while calling region " + region.name() + ".", e);
      }
      if (e.status() != 0) {
        throw new CliException(
            ExitCodes.UNREACHABLE,
            "Region "
                + region.name()
                + " at "
                + region.apiUrl()
                + " answers HTTP "
                + e.status()
                + "; try again when it is back.",
            e);
      }
      if (!(e.getCause() instanceof IOException io)) { // it answered, but not what it should
        throw new CliException(ExitCodes.UNREACHABLE, sentence(e.getMessage()), e);
      }
      throw new CliException(
          ExitCodes.UNREACHABLE,
          "Region "
              + region.name()
              + " cannot be reached at "
              + region.apiUrl()
              + " ("
              + reason(io)
              + "); start it or fix its api_url in the regions file.",
          e);
    }
  }

  private static String reason(IOException e) {
    if (e instanceof ConnectException) {
      return "connection refused";
    }
    if (e instanceof HttpTimeoutException) {
      return "no answer within " + TIMEOUT.toSeconds() + " s";
    }
    return e.getMessage() == null ? "I/O error" : e.getMessage();
  }

  private static String sentence(String message) {
    return message.endsWith(".") ? message : message + ".";
  }
}
