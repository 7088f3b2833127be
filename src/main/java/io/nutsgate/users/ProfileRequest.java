package io.nutsgate.users;

import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;

/** The signed-in user's Farcaster profile. */
public record ProfileRequest(
        @Schema(description = "Farcaster id", example = "3621") @NotNull @Positive @Max(9_007_199_254_740_991L)
                Long fid,
        @Schema(description = "Farcaster username (fname or ENS name)", example = "alice")
                @NotBlank
                @Pattern(
                        regexp = "^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$",
                        message = "must be 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit")
                String username,
        @Schema(description = "Display name", example = "Alice")
                @Size(max = 64)
                @Pattern(regexp = "^[^\\p{Cntrl}]*$", message = "must not contain control characters")
                String displayName,
        @Schema(description = "Profile picture, an https URL", example = "https://i.imgur.com/alice.png")
                @Size(max = 2048)
                @Pattern(regexp = "^https://[^\\s]+$", message = "must be an https URL")
                String pfpUrl) {}
