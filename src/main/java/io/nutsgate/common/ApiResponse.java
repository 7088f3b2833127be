package io.nutsgate.common;

import com.fasterxml.jackson.annotation.JsonInclude;

/** The envelope of every JSON answer: {@code {"success":true,"data":…}} or {@code {"success":false,"error":…}}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ApiResponse<T>(boolean success, T data, ApiError error) {

    public record ApiError(String code, String message) {}

    public static <T> ApiResponse<T> ok(T data) {
        return new ApiResponse<>(true, data, null);
    }

    public static ApiResponse<Void> error(ErrorCode code, String message) {
        return new ApiResponse<>(false, null, new ApiError(code.name(), message));
    }
}
