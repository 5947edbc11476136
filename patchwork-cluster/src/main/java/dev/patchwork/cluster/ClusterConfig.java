package dev.patchwork.cluster;

import dev.patchwork.ValidationException;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * How to reach the cluster's database and how the cluster behaves.
 *
 * <p>Credentials never come from the command line: a JDBC URL holding a password is refused. They come from a properties
 * file ({@code user=}, {@code password=}; named by {@code --db-properties} or {@value #ENV_PROPERTIES}), else from the
 * environment ({@value #ENV_USER} / {@value #ENV_PASSWORD}, else PostgreSQL's own {@code PGUSER} / {@code PGPASSWORD}).
 *
 * @param url              {@code jdbc:postgresql://host[:port]/database[?options]}
 * @param user             the database user, or {@code null} for the driver's default
 * @param password         its password, or {@code null}
 * @param tablePrefix      prefix of the cluster's tables ({@code patchwork_}: {@code patchwork_scheduled_tasks},
 *                         {@code patchwork_jobs}, {@code patchwork_chunks})
 * @param heartbeat        how often a worker heart-beats the executions it holds
 * @param missedHeartbeats heartbeats missed before an execution counts as dead and is picked up elsewhere (at least 4)
 * @param pollInterval     how often an idle worker looks for work
 * @param maxAttempts      attempts per task (and per splice) before the job fails
 * @param backoff          the wait before a task's first retry; it doubles for each further one
 * @param drain            how long a stopping worker lets running tasks finish before it stops and releases them
 */
public record ClusterConfig(String url, String user, String password, String tablePrefix, Duration heartbeat, int missedHeartbeats,
    Duration pollInterval, int maxAttempts, Duration backoff, Duration drain) {

  /** Names the properties file with the database credentials. */
  public static final String ENV_PROPERTIES = "PATCHWORK_DB_PROPERTIES";
  /** The database user. */
  public static final String ENV_USER = "PATCHWORK_DB_USER";
  /** The database password. */
  public static final String ENV_PASSWORD = "PATCHWORK_DB_PASSWORD";

  private static final Pattern PREFIX = Pattern.compile("[a-z_][a-z0-9_]{0,30}");
  private static final Pattern PASSWORD_IN_URL = Pattern.compile("(?i)[?&;]password=|//[^/@]*:[^/@]*@");

  public ClusterConfig {
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(tablePrefix, "tablePrefix");
    Objects.requireNonNull(heartbeat, "heartbeat");
    Objects.requireNonNull(pollInterval, "pollInterval");
    Objects.requireNonNull(backoff, "backoff");
    Objects.requireNonNull(drain, "drain");
    if (PASSWORD_IN_URL.matcher(url).find()) {
      throw new ValidationException("--cluster", "the URL holds a password; give it in the environment (" + ENV_PASSWORD
          + " or PGPASSWORD) or a properties file (--db-properties), never on the command line");
    }
    if (!PREFIX.matcher(tablePrefix).matches()) throw new IllegalArgumentException("not a table prefix: '" + tablePrefix + "'");
    if (missedHeartbeats < 4) throw new IllegalArgumentException("missedHeartbeats must be at least 4: " + missedHeartbeats);
    if (maxAttempts < 1) throw new IllegalArgumentException("maxAttempts < 1: " + maxAttempts);
    positive("heartbeat", heartbeat);
    positive("pollInterval", pollInterval);
    if (backoff.isNegative()) throw new IllegalArgumentException("backoff < 0: " + backoff);
    if (drain.isNegative()) throw new IllegalArgumentException("drain < 0: " + drain);
  }

  /**
   * {@code url} with credentials from {@code properties} (if not {@code null}, else the file {@value #ENV_PROPERTIES}
   * names, if set) or the environment, and the defaults: table prefix {@code patchwork_}, heartbeat 1 s with 4 missed
   * (a dead worker's chunk runs elsewhere after about 5 s), poll every second, 3 attempts, 2 s first back-off, 5 s drain.
   *
   * @throws ValidationException if the URL holds a password, or the properties file cannot be read
   */
  public static ClusterConfig of(String url, Map<String, String> environment, Path properties) {
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(environment, "environment");
    String user = null;
    String password = null;
    Path file = properties;
    if (file == null && environment.get(ENV_PROPERTIES) != null && !environment.get(ENV_PROPERTIES).isBlank()) {
      file = Path.of(environment.get(ENV_PROPERTIES));
    }
    if (file != null) {
      Properties p = new Properties();
      try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
        p.load(r);
      } catch (IOException e) {
        throw new ValidationException(properties != null ? "--db-properties" : ENV_PROPERTIES, "cannot read " + file + ": " + e.getMessage(), e);
      }
      user = blankToNull(p.getProperty("user"));
      password = blankToNull(p.getProperty("password"));
    }
    if (user == null) user = blankToNull(environment.getOrDefault(ENV_USER, environment.get("PGUSER")));
    if (password == null) password = blankToNull(environment.getOrDefault(ENV_PASSWORD, environment.get("PGPASSWORD")));
    return new ClusterConfig(url.strip(), user, password, "patchwork_", Duration.ofSeconds(1), 4, Duration.ofSeconds(1), 3,
        Duration.ofSeconds(2), Duration.ofSeconds(5));
  }

  /** {@link #of(String, Map, Path)} with this process's environment and no properties file. */
  public static ClusterConfig of(String url) {
    return of(url, System.getenv(), null);
  }

  public ClusterConfig withTablePrefix(String prefix) {
    return new ClusterConfig(url, user, password, prefix, heartbeat, missedHeartbeats, pollInterval, maxAttempts, backoff, drain);
  }

  public ClusterConfig withHeartbeat(Duration interval, int missed) {
    return new ClusterConfig(url, user, password, tablePrefix, interval, missed, pollInterval, maxAttempts, backoff, drain);
  }

  public ClusterConfig withPollInterval(Duration interval) {
    return new ClusterConfig(url, user, password, tablePrefix, heartbeat, missedHeartbeats, interval, maxAttempts, backoff, drain);
  }

  public ClusterConfig withRetries(int attempts, Duration firstBackoff) {
    return new ClusterConfig(url, user, password, tablePrefix, heartbeat, missedHeartbeats, pollInterval, attempts, firstBackoff, drain);
  }

  public ClusterConfig withDrain(Duration period) {
    return new ClusterConfig(url, user, password, tablePrefix, heartbeat, missedHeartbeats, pollInterval, maxAttempts, backoff, period);
  }

  /** How long after its last heartbeat a worker's executions are taken over. */
  public Duration failoverAfter() {
    return heartbeat.multipliedBy(missedHeartbeats);
  }

  /** Never shows the password. */
  @Override
  public String toString() {
    return String.format(Locale.ROOT, "ClusterConfig[url=%s, user=%s, password=%s, tablePrefix=%s, heartbeat=%s x %d, poll=%s, attempts=%d, "
        + "backoff=%s, drain=%s]", url, user, password == null ? "(none)" : "(set)", tablePrefix, heartbeat, missedHeartbeats, pollInterval,
        maxAttempts, backoff, drain);
  }

  private static void positive(String name, Duration d) {
    if (d.isNegative() || d.isZero()) throw new IllegalArgumentException(name + " must be positive: " + d);
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }
}
