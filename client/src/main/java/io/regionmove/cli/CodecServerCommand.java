package io.regionmove.cli;

import io.regionmove.worker.codec.AesGcmPayloadCodec;
import io.regionmove.worker.codec.CodecServer;
import io.regionmove.worker.codec.EncryptionConfigException;
import io.regionmove.worker.codec.EncryptionKeys;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(
    name = "codec-server",
    mixinStandardHelpOptions = true,
    description = {
      "Serves Temporal's remote codec protocol (POST /encode, POST /decode) with the payload encryption keys of"
          + " REGIONMOVE_ENCRYPTION_KEY and REGIONMOVE_ENCRYPTION_OLD_KEYS, so Temporal Web shows encrypted"
          + " payloads decoded.",
      "It decrypts whatever it is sent: keep it on loopback or behind Temporal Web's authentication."
    })
final class CodecServerCommand implements Callable<Integer> {

  @ParentCommand RegionmoveCli root;

  @Option(
      names = "--port",
      paramLabel = "PORT",
      defaultValue = "" + CodecServer.DEFAULT_PORT,
      description = "The port (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(
      names = "--bind",
      paramLabel = "ADDRESS",
      defaultValue = CodecServer.DEFAULT_BIND,
      description = "The address to listen on (default: ${DEFAULT-VALUE}).")
  String bind;

  @Option(
      names = "--cors-origin",
      split = ",",
      paramLabel = "ORIGIN",
      description =
          "Temporal Web's origin, allowed to call from the browser; repeatable (default: http://127.0.0.1:8233,http://localhost:8233).")
  List<String> origins;

  @Override
  public Integer call() throws InterruptedException {
    if (port < 0 || port > 65535) {
      throw new CliException(
          ExitCodes.USAGE, "--port must be between 0 and 65535, not " + port + ".");
    }
    EncryptionKeys keys;
    try {
      keys =
          EncryptionKeys.fromEnvironment()
              .orElseThrow(
                  () ->
                      new CliException(
                          ExitCodes.USAGE,
                          EncryptionKeys.KEY_ENV
                              + " is not set; give the codec server the keys the worker uses."));
    } catch (EncryptionConfigException e) {
      throw new CliException(ExitCodes.USAGE, e.getMessage(), e);
    }
    CodecServer server;
    try {
      server =
          CodecServer.start(
              bind,
              port,
              new AesGcmPayloadCodec(keys),
              origins == null ? CodecServer.DEFAULT_ORIGINS : origins);
    } catch (UncheckedIOException e) {
      throw new CliException(ExitCodes.FAILED, e.getMessage(), e);
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  server.close();
                  stopped.countDown();
                },
                "regionmove-codec-server-stop"));
    Console console = root.console();
    console.println(
        "Codec server on "
            + server.url()
            + " (encrypts with key "
            + keys.currentId()
            + ", decrypts with "
            + String.join(", ", keys.ids())
            + ").");
    console.println("Point Temporal Web at it, either when starting the dev server:");
    console.println("  temporal server start-dev --ui-codec-endpoint " + server.url());
    console.println(
        "or in Temporal Web: the Data Encoder settings, Remote Codec Endpoint " + server.url());
    console.println(
        "The temporal CLI decodes with it too: temporal workflow show --codec-endpoint "
            + server.url()
            + " -w ID");
    console.println("Press Ctrl-C to stop.");
    stopped.await();
    return ExitCodes.OK;
  }
}
