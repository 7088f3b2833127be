package io.nutsgate.trades;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.springframework.stereotype.Component;

/**
 * A PostgreSQL session advisory lock per job run, so a scheduled job runs on one instance at a time. The lock lives
 * on a connection held for the run: if the instance dies mid-run, the session ends and the lock goes with it.
 */
@Component
class RunLock {

    private final DataSource dataSource;

    RunLock(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Runs {@code work} if no other instance is running {@code job}; returns whether it ran. */
    boolean runAlone(String job, Runnable work) {
        try (Connection connection = dataSource.getConnection()) {
            if (!lock(connection, "pg_try_advisory_lock", job)) {
                return false;
            }
            try {
                work.run();
                return true;
            } finally {
                lock(connection, "pg_advisory_unlock", job);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not take the lock of " + job + ": " + e.getMessage(), e);
        }
    }

    private static boolean lock(Connection connection, String function, String job) throws SQLException {
        try (PreparedStatement statement =
                connection.prepareStatement("SELECT " + function + "(hashtextextended(?, 5))")) {
            statement.setString(1, "job:" + job);
            try (ResultSet result = statement.executeQuery()) {
                return result.next() && result.getBoolean(1);
            }
        }
    }
}
