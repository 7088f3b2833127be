package io.nutsgate.users;

import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;

/**
 * The signed-in user's profile, read by {@link StrictProfileReader}. An optional field left out (null here) keeps its
 * stored value; an empty string clears it. The fid is not set here: only Farcaster Quick Auth sets it; a fid sent must
 * be the user's verified one.
 */
public record ProfileRequest(
        @Schema(
                        description = "Optional. Farcaster id, a positive JSON integer (not a string); it must equal"
                                + " the fid Quick Auth verified for this user (403 FID_NOT_VERIFIED otherwise)",
                        example = "3621")
                @Positive
                @Max(9_007_199_254_740_991L)
                Long fid,
        @Schema(description = "Farcaster username (fname or ENS name)", example = "alice")
                @NotBlank
                @Pattern(
                        regexp = "^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$",
                        message = "must be 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit")
                String username,
        @Schema(
                        description = "Display name; left out keeps the stored one, \"\" clears it. No control or"
                                + " bidirectional-override characters.",
                        example = "Alice")
                @Size(max = 64)
                @Pattern(
                        regexp = NAME_CHARACTERS,
                        message = "must not contain control or bidirectional-override characters")
                String displayName,
        @Schema(
                        description = "Profile picture, an https URL; left out keeps the stored one, \"\" clears it",
                        example = "https://i.imgur.com/alice.png")
                @Size(max = 2048)
                @Pattern(regexp = "^(https://[^\\s\\p{Cc}\\p{Cf}\\p{Cs}]+)?$", message = "must be an https URL")
                String pfpUrl) {

    /**
     * No control characters (C0, C1, line and paragraph separators), no unpaired surrogates, and none of the
     * bidirectional marks, embeddings, overrides and isolates that make text display differently from what it is
     * (U+061C, U+200E, U+200F, U+202A-U+202E, U+2066-U+2069).
     */
    static final String NAME_CHARACTERS =
            "^[^\\p{Cc}\\p{Cs}\\u2028\\u2029\\u061C\\u200E\\u200F\\u202A-\\u202E\\u2066-\\u2069]*$";
}
