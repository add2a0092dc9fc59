package zhaoshang;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.BoltConnectorInternalSettings;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.graphdb.Transaction;
import org.neo4j.io.ByteUnit;

/**
 * A local Neo4j 5 community server for zhaoshang's tests: the embedded DBMS with the
 * Bolt connector on a loopback address and authentication disabled.
 *
 * <p>Usage: {@code ZhaoshangNeo4j HOME PORT}. HOME holds the data, transaction logs and
 * Neo4j's own logs. Prints {@code ZHAOSHANG-NEO4J READY} once the default database
 * answers a query, then waits until the JVM is asked to stop (SIGTERM, SIGINT), when
 * it shuts the DBMS down cleanly and prints {@code ZHAOSHANG-NEO4J STOPPED}.
 */
public final class ZhaoshangNeo4j {
    private ZhaoshangNeo4j() {}

    public static void main(String[] args) throws InterruptedException {
        if (args.length != 2) {
            System.err.println("usage: ZhaoshangNeo4j HOME PORT");
            System.exit(2);
        }
        Path home = Path.of(args[0]).toAbsolutePath();
        int port = Integer.parseInt(args[1]);

        DatabaseManagementService dbms = new DatabaseManagementServiceBuilder(home)
                .setConfig(BoltConnector.enabled, true)
                .setConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", port))
                .setConfig(BoltConnector.advertised_address, new SocketAddress("127.0.0.1", port))
                .setConfig(GraphDatabaseSettings.auth_enabled, false)
                .setConfig(GraphDatabaseSettings.pagecache_memory, ByteUnit.mebiBytes(256))
                // A test server: do not wait 2 x 5 s for idle Bolt connections on shutdown.
                .setConfig(BoltConnectorInternalSettings.connection_shutdown_wait_time, Duration.ofSeconds(1))
                .setConfig(BoltConnectorInternalSettings.thread_pool_shutdown_wait_time, Duration.ofSeconds(1))
                .build();

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("ZHAOSHANG-NEO4J stopping");
            System.out.flush();
            dbms.shutdown();
            System.out.println("ZHAOSHANG-NEO4J STOPPED");
            System.out.flush();
            stopped.countDown();
        }, "zhaoshang-neo4j-shutdown"));

        GraphDatabaseService db = dbms.database(GraphDatabaseSettings.DEFAULT_DATABASE_NAME);
        try (Transaction tx = db.beginTx()) {
            tx.execute("RETURN 1").close();
            tx.commit();
        }
        System.out.println("ZHAOSHANG-NEO4J READY bolt://127.0.0.1:" + port);
        System.out.flush();
        stopped.await();
    }
}
