package io.nutsgate.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DatabaseUrlTests {

    @Test
    void shouldReadAPasswordHoldingReservedCharactersAsTheyAre() {
        DatabaseUrl url = DatabaseUrl.parse("postgres://nuts:s3cr%^t#p@ss@db.example:6543/trades?sslmode=require");

        assertThat(url.getJdbcUrl()).isEqualTo("jdbc:postgresql://db.example:6543/trades?sslmode=require");
        assertThat(url.getUsername()).isEqualTo("nuts");
        assertThat(url.getPassword()).isEqualTo("s3cr%^t#p@ss");
        assertThat(url.toString()).doesNotContain("s3cr");
    }

    @Test
    void shouldDecodeAPercentEncodedPassword() {
        DatabaseUrl url = DatabaseUrl.parse("postgresql://nuts:s3cr%25%5Et%23p%40ss@127.0.0.1/trades");

        assertThat(url.getJdbcUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:5432/trades");
        assertThat(url.getPassword()).isEqualTo("s3cr%^t#p@ss");
    }

    @Test
    void shouldTakeTheCredentialsOutOfAJdbcUrl() {
        DatabaseUrl url =
                DatabaseUrl.parse("jdbc:postgresql://127.0.0.1:5432/test?user=postgres&password=a%26b&currentSchema=x");

        assertThat(url.getJdbcUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:5432/test?currentSchema=x");
        assertThat(url.getUsername()).isEqualTo("postgres");
        assertThat(url.getPassword()).isEqualTo("a&b");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "mysql://nuts:s3cr%^t#p@ss@db/x",
                "postgres://nuts:s3cr%^t#p@ss@db.example:port/nuts",
                "postgres://nuts:s3cr%^t#p@ss@:5432/nuts",
                "postgres://nuts:s3cr%^t#p@ss@db:99999/nuts",
                "postgres://nuts:s3cr%^t#p/ss",
                "db.example:5432/nuts"
            })
    void shouldRefuseAMalformedUrlNamingTheVariableButNotThePassword(String value) {
        assertThatThrownBy(() -> DatabaseUrl.parse(value))
                .isInstanceOf(StartupRefusedException.class)
                .hasMessageStartingWith("DATABASE_URL is not a usable PostgreSQL URL")
                .hasMessageNotContaining("s3cr");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "postgres://nuts:s3cr%^t#p@ss@db.example:5432",
                "postgres://nuts:s3cr%^t#p@ss@db.example:5432/",
                "postgresql://nuts@db.example/?sslmode=require",
                "jdbc:postgresql://db.example:5432/?user=nuts&password=s3cr3t"
            })
    void shouldRefuseAUrlWithoutADatabaseInsteadOfMigratingTheDefaultOne(String value) {
        assertThatThrownBy(() -> DatabaseUrl.parse(value))
                .isInstanceOf(StartupRefusedException.class)
                .hasMessageStartingWith("DATABASE_URL names no database")
                .hasMessageContaining("e.g. postgres://user:password@db.example:5432/nutsgate")
                .hasMessageNotContaining("s3cr");
    }
}
