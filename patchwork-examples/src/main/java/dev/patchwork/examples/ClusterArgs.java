package dev.patchwork.examples;

import dev.patchwork.cluster.Cluster;
import dev.patchwork.cluster.ClusterConfig;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** How to reach a render cluster. Credentials never on the command line. */
final class ClusterArgs {

  @Option(names = "--db-properties", paramLabel = "FILE",
      description = "Properties file with the database credentials (user=, password=). Default: the file "
          + ClusterConfig.ENV_PROPERTIES + " names, else " + ClusterConfig.ENV_USER + "/" + ClusterConfig.ENV_PASSWORD
          + " or PGUSER/PGPASSWORD from the environment.")
  Path dbProperties;

  /** The configuration for {@code url}: credentials from the properties file or the environment. */
  ClusterConfig config(String url) {
    return ClusterConfig.of(url, System.getenv(), dbProperties);
  }

  /** Connects (and creates the tables on first use); an unusable database exits 4. */
  Cluster connect(String url) {
    return Cluster.connect(config(url));
  }
}
