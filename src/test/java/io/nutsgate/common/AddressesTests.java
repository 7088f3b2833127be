package io.nutsgate.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nutsgate.support.Eip55;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class AddressesTests {

    /** The test vectors of EIP-55 itself (all caps, all lower, mixed). */
    static List<String> eip55Vectors() {
        return List.of(
                "0x52908400098527886E0F7030069857D2E4169EE7",
                "0x8617E340B3D01FA5F11F306F4090FD50E238070D",
                "0xde709f2102306220921060314715629080e2fb77",
                "0x27b1fdb04752bbc536007a920d24acb045561c26",
                "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
                "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
                "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB",
                "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb");
    }

    @ParameterizedTest
    @MethodSource("eip55Vectors")
    void shouldChecksumAnAddressGivenInAnyCaseAsEip55Says(String vector) {
        String hex = vector.substring(2);
        assertThat(Addresses.checksum("0x" + hex.toLowerCase(Locale.ROOT))).isEqualTo(vector);
        assertThat(Addresses.checksum("0x" + hex.toUpperCase(Locale.ROOT))).isEqualTo(vector);
        assertThat(Addresses.checksum(vector)).isEqualTo(vector);
    }

    @ParameterizedTest
    @MethodSource("eip55Vectors")
    void shouldHaveAnIndependentCheckThatAcceptsTheVectorsAndRejectsAFlippedLetter(String vector) {
        assertThat(Eip55.isChecksummed(vector)).isTrue();
        int letter = 2;
        while (!Character.isLetter(vector.charAt(letter))) letter++;
        char c = vector.charAt(letter);
        String flipped = vector.substring(0, letter)
                + (Character.isUpperCase(c) ? Character.toLowerCase(c) : Character.toUpperCase(c))
                + vector.substring(letter + 1);
        assertThat(Eip55.isChecksummed(flipped)).isFalse();
    }

    @Test
    void shouldLeaveNullAndNonAddressesAlone() {
        assertThat(Addresses.checksum(null)).isNull();
        assertThat(Addresses.checksum("0x1234")).isEqualTo("0x1234");
    }

    @Test
    void shouldAcceptAnyCaseAndNameTheFieldWhenInvalid() {
        assertThat(Addresses.require("0x52908400098527886E0F7030069857D2E4169EE7", "owner"))
                .isEqualTo("0x52908400098527886e0f7030069857d2e4169ee7");
        assertThatThrownBy(() -> Addresses.require("0x5290", "owner"))
                .isInstanceOf(ApiException.class)
                .hasMessageStartingWith("owner ");
    }
}
