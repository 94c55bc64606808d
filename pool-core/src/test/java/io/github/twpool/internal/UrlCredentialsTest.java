package io.github.twpool.internal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The URL handed to the driver and to HikariCP carries no password. */
class UrlCredentialsTest {

    private static final String PW = "Zq9-Pw-S3cret";

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "jdbc:mysql://u:Zq9-Pw-S3cret@h:3306/db|jdbc:mysql://u@h:3306/db|password",
            "jdbc:mysql://:Zq9-Pw-S3cret@h/db|jdbc:mysql://h/db|password",
            "jdbc:mysql://u:Zq9%2DPw%2DS3cret@h/db|jdbc:mysql://u@h/db|password",
            "jdbc:mysql://u:Zq9-Pw-S3cret@h1,u:Zq9-Pw-S3cret@h2:3307/db|jdbc:mysql://u@h1,u@h2:3307/db|password",
            "jdbc:mysql://(host=h,port=3306,user=u,password=Zq9-Pw-S3cret)/db|jdbc:mysql://(host=h,port=3306,user=u)/db|password",
            "jdbc:mysql://address=(host=h)(port=3306)(user=u)(password=Zq9-Pw-S3cret)/db|jdbc:mysql://address=(host=h)(port=3306)(user=u)/db|password",
            "jdbc:mysql://h/db?user=u&password=Zq9-Pw-S3cret&sslMode=REQUIRED|jdbc:mysql://h/db?user=u&sslMode=REQUIRED|password",
            "jdbc:mysql://h/db?PASSWORD=Zq9-Pw-S3cret|jdbc:mysql://h/db|password",
            "jdbc:mysql://h/db?pass%77ord=Zq9%2DPw%2DS3cret|jdbc:mysql://h/db|password",
            "jdbc:mysql://h/db?user=u&password1=Zq9-Pw-S3cret|jdbc:mysql://h/db?user=u|password1",
            "jdbc:mysql:replication://u:Zq9-Pw-S3cret@h1,h2/db|jdbc:mysql:replication://u@h1,h2/db|password",
            "jdbc:mariadb://h/db?password=Zq9-Pw-S3cret#frag|jdbc:mariadb://h/db#frag|password",
    })
    void passwordsMoveToDriverProperties(String url, String clean, String property) {
        UrlCredentials.Split split = UrlCredentials.split(url);
        assertThat(split.url()).isEqualTo(clean);
        assertThat(split.properties()).containsEntry(property, PW);
        assertThat(Secrets.maskUrl(split.url())).isEqualTo(split.url());
    }

    @Test
    void otherDriversAndUrlsWithoutSecretsAreLeftAlone() {
        for (String url : new String[] {"jdbc:postgresql://h/db?password=" + PW, "jdbc:sqlserver://h;password=" + PW,
                "jdbc:mysql://h:3306/db?user=u&sslMode=REQUIRED", "jdbc:mysql://(host=h,port=3306)/db"}) {
            UrlCredentials.Split split = UrlCredentials.split(url);
            assertThat(split.url()).isEqualTo(url);
            assertThat(split.properties()).isEmpty();
        }
    }

    @Test
    void twoDifferentPasswordsAreAConflict() {
        assertThatThrownBy(() -> UrlCredentials.split("jdbc:mysql://u:a1b2c3@h1,u:d4e5f6@h2/db"))
                .isInstanceOf(UrlCredentials.ConflictException.class)
                .hasMessageNotContaining("a1b2c3").hasMessageNotContaining("d4e5f6");
        assertThatThrownBy(() -> UrlCredentials.split("jdbc:mysql://u:a1b2c3@h/db?password=d4e5f6"))
                .isInstanceOf(UrlCredentials.ConflictException.class);
        assertThat(UrlCredentials.split("jdbc:mysql://u:" + PW + "@h/db?password=" + PW).properties())
                .isEqualTo(Map.of("password", PW));
    }

    @Test
    void formsTheDriverDoesNotReadAreLeftForValidationToRefuse() {
        assertThat(UrlCredentials.split("jdbc:mysql://h/db;password=" + PW).url()).contains(PW);
        assertThat(UrlCredentials.split("jdbc:mysql://(host=h,password=" + PW + "/db").url()).contains(PW);
    }
}
