// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include <usermedia/export.h>

namespace usermedia {

/**
 * \brief The DOMException names that the Media Capture and Streams spec uses.
 *
 * The numbers are part of the C ABI and of the Node binding: never renumber, only append.
 * \see https://w3c.github.io/mediacapture-main/#methods-5 (getUserMedia errors)
 */
enum class ErrorName : std::uint8_t
{
    NotAllowedError = 1,
    NotFoundError = 2,
    NotReadableError = 3,
    OverconstrainedError = 4,
    AbortError = 5,
    InvalidStateError = 6,
    NotSupportedError = 7,
    SecurityError = 8,
    TypeError = 9,
};

/** \brief The spec's string for \p name, e.g. "NotAllowedError". Thread: any. */
UM_EXPORT std::string_view toString(ErrorName name);

/**
 * \brief The error codes of the original `navigator.getUserMedia` (NavigatorUserMediaError).
 *
 * Only the legacy callback form reports these. The mapping from modern names is in
 * legacyErrorCode(); docs/errors.md gives the table.
 */
enum class LegacyErrorCode : std::uint8_t
{
    PermissionDenied = 1,          ///< "PERMISSION_DENIED"
    NotSupportedError = 2,         ///< "NOT_SUPPORTED_ERROR"
    MandatoryUnsatisfiedError = 3, ///< "MANDATORY_UNSATISFIED_ERROR"
};

/** \brief The legacy string, e.g. "PERMISSION_DENIED". Thread: any. */
UM_EXPORT std::string_view toString(LegacyErrorCode code);

/** \brief The legacy code for a modern error name (the table in docs/errors.md). Thread: any. */
UM_EXPORT LegacyErrorCode legacyErrorCode(ErrorName name);

/**
 * \brief What went wrong: the spec's DOMException name plus detail.
 *
 * `constraint` is set for OverconstrainedError (the constraint's name, as the spec's
 * OverconstrainedError.constraint). `osError` is the errno a backend saw, or 0.
 */
struct UM_EXPORT Error
{
    Error() = default;
    Error(ErrorName errorName, std::string errorMessage, std::string failedConstraint = {},
          int osErrorNumber = 0)
        : name(errorName),
          message(std::move(errorMessage)),
          constraint(std::move(failedConstraint)),
          osError(osErrorNumber)
    {}

    ErrorName name = ErrorName::TypeError;
    std::string message;
    std::string constraint;
    int osError = 0;

    /** \brief "Name: message" for logs and terminals. */
    std::string toString() const;
};

/**
 * \brief The error object the legacy `errorCallback` receives: the modern error plus its
 * legacy code. \see the original navigator.getUserMedia page (NavigatorUserMediaError).
 */
struct NavigatorUserMediaError
{
    LegacyErrorCode code = LegacyErrorCode::NotSupportedError;
    Error error;

    /** \brief The legacy code's string, e.g. "PERMISSION_DENIED". */
    std::string_view codeName() const { return usermedia::toString(code); }
};

} // namespace usermedia
