package io.regionmove.regionapi;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.type.CollectionType;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A typed client of one region's Region API (SPEC §5). A 4xx answer is a {@link RegionApiException}
 * (final); a 5xx answer, a refused connection or a time-out is a {@link RegionUnavailableException}
 * (worth retrying). Neither message ever holds a value that was sent or received, and requests are
 * logged by method and path only. Every path segment is percent-encoded, so a name, an email or an
 * id always stays one segment.
 */
public class RegionClient {

  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(30);

  private static final Logger log = LoggerFactory.getLogger(RegionClient.class);

  private static final ObjectMapper JSON = Json.mapper();

  private final RegionEndpoint region;
  private final String baseUrl;
  private final HttpClient http;
  private final Duration requestTimeout;

  public RegionClient(RegionEndpoint region) {
    this(region, DEFAULT_CONNECT_TIMEOUT, DEFAULT_REQUEST_TIMEOUT);
  }

  public RegionClient(RegionEndpoint region, Duration connectTimeout, Duration requestTimeout) {
    this.region = region;
    this.baseUrl = stripTrailingSlash(region.apiUrl());
    this.requestTimeout = requestTimeout;
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(connectTimeout)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
  }

  public RegionEndpoint region() {
    return region;
  }

  // ---- apps

  public RegionApp getApp(String app) {
    return read(send("GET", appPath(app), null), "app", RegionApp.class);
  }

  /** The app, or empty when the region does not know it. */
  public Optional<RegionApp> findApp(String app) {
    try {
      return Optional.of(getApp(app));
    } catch (RegionApiException e) {
      if (e.isNotFound()) {
        return Optional.empty();
      }
      throw e;
    }
  }

  /**
   * Creates the app with that reference; when an app of that name already exists with the same
   * reference the region answers 200 with it (a retried call), and 409 when the name is taken.
   */
  public Created<RegionApp> createApp(String app, String reference) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("name", app);
    body.put("reference", reference);
    Response response = send("POST", "/v1/apps", Map.of("app", body));
    return new Created<>(read(response, "app", RegionApp.class), response.status() == 201);
  }

  /** Deletes the app; {@code false} when it was already gone. */
  public boolean deleteApp(String app) {
    return delete(appPath(app));
  }

  public void freeze(String app) {
    send("PUT", appPath(app) + "/migrating", null);
  }

  public void unfreeze(String app) {
    send("DELETE", appPath(app) + "/migrating", null);
  }

  public void updateSettings(String app, AppSettings settings) {
    send("PUT", appPath(app) + "/settings", Map.of("settings", settings));
  }

  // ---- variables

  public List<Variable> listVariables(String app) {
    return readList(send("GET", appPath(app) + "/variables", null), "variables", Variable.class);
  }

  /** Creates or updates the given (non-generated) variables; the others are left as they are. */
  public void putVariables(String app, List<Variable> variables) {
    List<Map<String, String>> body =
        variables.stream().map(v -> Map.of("name", v.name(), "value", v.value())).toList();
    send("PUT", appPath(app) + "/variables", Map.of("variables", body));
  }

  public boolean deleteVariable(String app, String name) {
    return delete(appPath(app) + "/variables/" + segment(name));
  }

  // ---- collaborators

  public List<Collaborator> listCollaborators(String app) {
    return readList(
        send("GET", appPath(app) + "/collaborators", null), "collaborators", Collaborator.class);
  }

  public Collaborator addCollaborator(String app, Collaborator collaborator) {
    return read(
        send("POST", appPath(app) + "/collaborators", Map.of("collaborator", collaborator)),
        "collaborator",
        Collaborator.class);
  }

  public boolean removeCollaborator(String app, String email) {
    return delete(appPath(app) + "/collaborators/" + segment(email));
  }

  // ---- domains

  public List<Domain> listDomains(String app) {
    return readList(send("GET", appPath(app) + "/domains", null), "domains", Domain.class);
  }

  public Domain addDomain(String app, Domain domain) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("name", domain.name());
    body.put("canonical", domain.canonical());
    body.put("tlscert", domain.tlscert());
    body.put("tlskey", domain.tlskey());
    return read(
        send("POST", appPath(app) + "/domains", Map.of("domain", body)), "domain", Domain.class);
  }

  public boolean removeDomain(String app, String name) {
    return delete(appPath(app) + "/domains/" + segment(name));
  }

  // ---- notifiers

  public List<Notifier> listNotifiers(String app) {
    return readList(send("GET", appPath(app) + "/notifiers", null), "notifiers", Notifier.class);
  }

  /** Adds the notifier; the region answers 200 with the existing one if one has that name. */
  public Notifier addNotifier(String app, Notifier notifier) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("type", notifier.type());
    body.put("name", notifier.name());
    body.put("url", notifier.url());
    body.put("events", notifier.events());
    return read(
        send("POST", appPath(app) + "/notifiers", Map.of("notifier", body)),
        "notifier",
        Notifier.class);
  }

  public boolean removeNotifier(String app, String id) {
    return delete(appPath(app) + "/notifiers/" + segment(id));
  }

  // ---- formation

  public List<Container> listContainers(String app) {
    return readList(send("GET", appPath(app) + "/containers", null), "containers", Container.class);
  }

  /** Sets the amount and size of the process types given; the others are left as they are. */
  public List<Container> scale(String app, List<Container> containers) {
    return readList(
        send("POST", appPath(app) + "/scale", Map.of("containers", containers)),
        "containers",
        Container.class);
  }

  /**
   * Removes a process type whose amount is 0; {@code false} when the app or the process type does
   * not exist. A process type that runs containers is refused with 409 (a {@link
   * RegionApiException}): scale it to 0 first.
   */
  public boolean removeProcessType(String app, String name) {
    return delete(appPath(app) + "/containers/" + segment(name));
  }

  // ---- addons

  /** The app's addons, without their connection URLs. */
  public List<RegionAddon> listAddons(String app) {
    return readList(send("GET", appPath(app) + "/addons", null), "addons", RegionAddon.class);
  }

  /** One addon, with its connection URL when it has one (a secret: never log it). */
  public RegionAddon getAddon(String app, String id) {
    return read(
        send("GET", appPath(app) + "/addons/" + segment(id), null), "addon", RegionAddon.class);
  }

  /**
   * Provisions an addon; when the app already has one with that reference the region answers 200
   * with it, and 422 when the provider, plan or version is not offered.
   */
  public Created<RegionAddon> createAddon(
      String app, String provider, String plan, String version, String reference) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("provider", provider);
    body.put("plan", plan);
    body.put("version", version);
    body.put("reference", reference);
    Response response = send("POST", appPath(app) + "/addons", Map.of("addon", body));
    return new Created<>(read(response, "addon", RegionAddon.class), response.status() == 201);
  }

  public boolean deleteAddon(String app, String id) {
    return delete(appPath(app) + "/addons/" + segment(id));
  }

  public List<AddonProvider> listAddonProviders() {
    return readList(
        send("GET", "/v1/addon_providers", null), "addon_providers", AddonProvider.class);
  }

  // ---- live replication of postgresql addons

  /** Source region: whether the addon can be replicated (wal_level, free slots and senders). */
  public ReplicationSource getReplicationSource(String app, String addonId) {
    return read(
        send("GET", replicationSourcePath(app, addonId), null),
        "replication_source",
        ReplicationSource.class);
  }

  /** Source region: gives the addon's role the REPLICATION attribute; idempotent. */
  public ReplicationSource allowReplicationSource(String app, String addonId) {
    return read(
        send("PUT", replicationSourcePath(app, addonId), null),
        "replication_source",
        ReplicationSource.class);
  }

  /**
   * Source region: takes REPLICATION back and drops every replication slot of the addon's database;
   * {@code false} when the app or the addon does not exist.
   */
  public boolean disallowReplicationSource(String app, String addonId) {
    return delete(replicationSourcePath(app, addonId));
  }

  /**
   * Destination region: replicates a source addon into this addon (creates the subscription);
   * {@code created} is false when it existed already.
   */
  public Created<Replication> replicateFrom(
      String app, String addonId, ReplicationRequest request) {
    Response response = send("PUT", replicationPath(app, addonId), Map.of("replication", request));
    return new Created<>(
        read(response, "replication", Replication.class), response.status() == 201);
  }

  /** Destination region: the addon's subscription; empty when it replicates from nothing. */
  public Optional<Replication> findReplication(String app, String addonId) {
    try {
      return Optional.of(
          read(send("GET", replicationPath(app, addonId), null), "replication", Replication.class));
    } catch (RegionApiException e) {
      if (e.isNotFound()) {
        return Optional.empty();
      }
      throw e;
    }
  }

  /**
   * Destination region: pauses or resumes the subscription; a pause returns once its workers have
   * stopped, so {@link Replication#appliedLsn()} stays put until it is resumed.
   */
  public Replication setReplicationEnabled(String app, String addonId, boolean enabled) {
    return read(
        send(
            "PATCH",
            replicationPath(app, addonId),
            Map.of("replication", Map.of("enabled", enabled))),
        "replication",
        Replication.class);
  }

  /**
   * Destination region: drops the subscription (and, when the source answers, its slot there);
   * {@code false} when the app or the addon does not exist.
   */
  public boolean stopReplication(String app, String addonId) {
    return delete(replicationPath(app, addonId));
  }

  // ---- redirect

  public void setRedirect(String app, AppRedirect redirect) {
    send("PUT", appPath(app) + "/redirect", Map.of("redirect", redirect));
  }

  public boolean removeRedirect(String app) {
    return delete(appPath(app) + "/redirect");
  }

  // ---- plumbing

  private record Response(int status, JsonNode body) {}

  private static String appPath(String app) {
    return "/v1/apps/" + segment(app);
  }

  private static String replicationSourcePath(String app, String addonId) {
    return appPath(app) + "/addons/" + segment(addonId) + "/replication-source";
  }

  private static String replicationPath(String app, String addonId) {
    return appPath(app) + "/addons/" + segment(addonId) + "/replication";
  }

  /**
   * One path segment, percent-encoded: {@code /}, {@code ?}, {@code #}, {@code +}, {@code @} and
   * spaces never change the path, and a segment of dots only is not read as "this" or "parent".
   */
  static String segment(String value) {
    if (!value.isEmpty() && value.chars().allMatch(c -> c == '.')) {
      return "%2E".repeat(value.length());
    }
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static String stripTrailingSlash(String url) {
    return url != null && url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }

  private boolean delete(String path) {
    try {
      send("DELETE", path, null);
      return true;
    } catch (RegionApiException e) {
      if (e.isNotFound()) {
        return false;
      }
      throw e;
    }
  }

  private Response send(String method, String path, Object body) {
    HttpRequest.BodyPublisher publisher;
    try {
      publisher =
          body == null
              ? HttpRequest.BodyPublishers.noBody()
              : HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body));
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("cannot encode the body of " + method + " " + path, e);
    }
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(baseUrl + path))
            .timeout(requestTimeout)
            .header("Authorization", "Bearer " + region.token())
            .header("Accept", "application/json")
            .header("Content-Type", "application/json")
            .method(method, publisher)
            .build();
    HttpResponse<byte[]> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
    } catch (HttpConnectTimeoutException e) {
      throw new RegionUnavailableException(
          "Region " + region.name() + " at " + baseUrl + " did not accept a connection in time.",
          e);
    } catch (HttpTimeoutException e) {
      throw new RegionUnavailableException(
          "Region "
              + region.name()
              + " did not answer "
              + method
              + " "
              + path
              + " within "
              + (requestTimeout.toMillis() < 1000
                  ? requestTimeout.toMillis() + " ms."
                  : requestTimeout.toSeconds() + " s."),
          e);
    } catch (ConnectException e) {
      throw new RegionUnavailableException(
          "Region " + region.name() + " cannot be reached at " + baseUrl + " (connection refused).",
          e);
    } catch (IOException e) {
      throw new RegionUnavailableException(
          "Region "
              + region.name()
              + " failed to answer "
              + method
              + " "
              + path
              + " ("
              + e.getClass().getSimpleName()
              + ").",
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RegionUnavailableException(
          "The call " + method + " " + path + " to region " + region.name() + " was interrupted.",
          e);
    }
    int status = response.statusCode();
    log.debug("{} {} {} answered {}", region.name(), method, path, status);
    JsonNode json = parse(response.body());
    if (status >= 200 && status < 300) {
      return new Response(status, json);
    }
    String message = errorMessage(json, status);
    if (status >= 400 && status < 500 && status != 408 && status != 429) {
      throw new RegionApiException(region.name(), status, message);
    }
    throw new RegionUnavailableException(
        status,
        region.name() + " answered " + status + " to " + method + " " + path + ": " + message);
  }

  private static JsonNode parse(byte[] body) {
    if (body == null || body.length == 0) {
      return null;
    }
    try {
      return JSON.readTree(body);
    } catch (IOException e) {
      return null;
    }
  }

  private static String errorMessage(JsonNode json, int status) {
    if (json != null && json.path("error").isTextual()) {
      return json.path("error").asText();
    }
    return "HTTP " + status + " without an error message";
  }

  private <T> T read(Response response, String wrapper, Class<T> type) {
    JsonNode node = response.body() == null ? null : response.body().get(wrapper);
    if (node == null || node.isNull()) {
      throw new RegionUnavailableException(
          region.name() + " answered without the expected \"" + wrapper + "\" object.");
    }
    try {
      return JSON.treeToValue(node, type);
    } catch (JsonProcessingException e) { // its message may quote a secret value: dropped
      throw new RegionUnavailableException(
          region.name() + " answered a malformed \"" + wrapper + "\" object.");
    }
  }

  private <T> List<T> readList(Response response, String wrapper, Class<T> type) {
    JsonNode node = response.body() == null ? null : response.body().get(wrapper);
    if (node == null || node.isNull()) {
      throw new RegionUnavailableException(
          region.name() + " answered without the expected \"" + wrapper + "\" list.");
    }
    CollectionType listType = JSON.getTypeFactory().constructCollectionType(List.class, type);
    try {
      return List.copyOf(JSON.<List<T>>treeToValue(node, listType));
    } catch (JsonProcessingException e) { // its message may quote a secret value: dropped
      throw new RegionUnavailableException(
          region.name() + " answered a malformed \"" + wrapper + "\" list.");
    }
  }
}
