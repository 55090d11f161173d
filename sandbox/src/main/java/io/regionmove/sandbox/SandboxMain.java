package io.regionmove.sandbox;

import io.regionmove.sandbox.postgres.LocalPostgres;
import io.regionmove.sandbox.postgres.PostgresServer;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * Runs one sandbox region until interrupted:
 * {@code --region R --port P [--host H] [--state-dir D] [--token T] [--pg-url URL]}.
 * Without {@code --pg-url} (or {@code REGIONMOVE_PG_URL}) it starts a private PostgreSQL cluster in
 * {@code <state-dir>/pg}; without PostgreSQL binaries it runs without one and postgresql addons answer 422.
 */
public final class SandboxMain {

    private SandboxMain() {}

    public static void main(String[] args) throws InterruptedException {
        String region = null;
        String host = SandboxOptions.DEFAULT_HOST;
        Integer port = null;
        Path stateDir = Path.of(".regionmove");
        String token = null;
        String pgUrl = System.getenv(LocalPostgres.PG_URL_ENV);
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            switch (arg) {
                case "--region" -> region = value(args, ++i, arg);
                case "--host" -> host = value(args, ++i, arg);
                case "--port" -> port = port(value(args, ++i, arg));
                case "--state-dir" -> stateDir = Path.of(value(args, ++i, arg));
                case "--token" -> token = value(args, ++i, arg);
                case "--pg-url" -> pgUrl = value(args, ++i, arg);
                case "-h", "--help" -> {
                    System.out.println(usage());
                    return;
                }
                default -> usageError("Unknown option " + arg + ".");
            }
        }
        if (region == null || port == null) {
            usageError("--region and --port are required.");
        }
        LocalPostgres local = null;
        PostgresServer pg = null;
        if (pgUrl != null && !pgUrl.isBlank()) {
            pg = PostgresServer.fromUrl(pgUrl);
        } else {
            try {
                local = LocalPostgres.start(stateDir.resolve("pg"));
                pg = local.server();
            } catch (RuntimeException e) {
                System.err.println(e.getMessage());
                System.err.println("Continuing without PostgreSQL: postgresql addons will answer 422.");
            }
        }
        SandboxOptions options = new SandboxOptions(region, host, port, token, stateDir, pg,
                SandboxOptions.defaultProviders());
        SandboxRegion sandbox = SandboxRegion.start(options);
        LocalPostgres startedPg = local;
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            sandbox.close();
            if (startedPg != null) {
                startedPg.close();
            }
            stopped.countDown();
        }, "sandbox-stop"));
        System.out.println("Sandbox region " + sandbox.name() + " is running.");
        System.out.println("  API:    " + sandbox.apiUrl() + "  (Authorization: Bearer " + sandbox.token() + ")");
        System.out.println("  Router: " + sandbox.routerUrl("<app>"));
        System.out.println("  State:  " + stateDir.toAbsolutePath().resolve(region + ".json"));
        if (pg != null) {
            System.out.println("  PostgreSQL: " + pg.host() + ":" + pg.port());
        }
        System.out.println("Press Ctrl-C to stop.");
        stopped.await();
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            usageError(option + " needs a value.");
        }
        return args[i];
    }

    private static int port(String text) {
        try {
            int port = Integer.parseInt(text);
            if (port < 0 || port > 65535) {
                usageError("--port must be from 0 to 65535, not " + text + ".");
            }
            return port;
        } catch (NumberFormatException e) {
            usageError("--port must be a number, not '" + text + "'.");
            return -1;
        }
    }

    private static void usageError(String message) {
        System.err.println(message);
        System.err.println(usage());
        System.exit(2);
    }

    private static String usage() {
        return "usage: sandbox --region NAME --port PORT [--host HOST] [--state-dir DIR] [--token TOKEN] [--pg-url URL]";
    }
}
