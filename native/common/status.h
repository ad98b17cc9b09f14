// Status values returned by the Node-free core. The N-API glue maps each code onto a JS
// error class and a stable `ERR_*` string (see native/binding/errors.cc); the core itself
// never throws across its public functions.
#pragma once

#include <memory>
#include <string>
#include <utility>

namespace opk {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,   // wrong type or shape of an argument            -> TypeError  ERR_INVALID_ARGUMENT
  kOutOfRange,        // a value outside its allowed range             -> RangeError ERR_OUT_OF_RANGE
  kInvalidPolygon,    // NaN/inf coordinates, too few points, ...      -> RangeError ERR_INVALID_POLYGON
  kCoordinateOverflow,// scaled coordinate leaves the int64-safe range -> RangeError ERR_COORDINATE_OVERFLOW
  kBufferSize,        // an output/input buffer of the wrong length    -> RangeError ERR_BUFFER_SIZE
  kUnavailable,       // a runtime library (NVML, CUPTI) is missing    -> Error      ERR_UNAVAILABLE
  kLibraryError,      // a runtime library returned an error           -> Error      ERR_LIBRARY
  kClosed,            // object used after close()/stop()              -> Error      ERR_CLOSED
  kOutOfMemory,       // allocation failed                             -> RangeError ERR_OUT_OF_MEMORY
  kInternal,          // a bug: should never be seen                   -> Error      ERR_INTERNAL
};

// A status with an optional human-readable message and an optional more specific code
// string (e.g. "ERR_NVML_UNAVAILABLE") that overrides the default for its StatusCode.
// One code and one pointer: an OK status (what hot loops make and drop per polygon) holds no
// strings, so making, copying and destroying it costs a few instructions; the two strings live
// in a heap block that only errors (and OK statuses given a message) allocate.
class Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message, std::string code_override = {})
      : code_(code), detail_(new Detail{std::move(message), std::move(code_override)}) {}
  Status(const Status& o) : code_(o.code_), detail_(o.detail_ ? new Detail(*o.detail_) : nullptr) {}
  Status(Status&& o) noexcept : code_(o.code_), detail_(std::move(o.detail_)) {}
  Status& operator=(const Status& o) {
    if (this != &o) {
      code_ = o.code_;
      detail_.reset(o.detail_ ? new Detail(*o.detail_) : nullptr);
    }
    return *this;
  }
  Status& operator=(Status&& o) noexcept {
    code_ = o.code_;
    detail_ = std::move(o.detail_);
    return *this;
  }
  ~Status() = default;

  static Status Ok() { return Status(); }
  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return detail_ ? detail_->message : EmptyString(); }
  const std::string& code_override() const { return detail_ ? detail_->code_override : EmptyString(); }

 private:
  struct Detail {
    std::string message;
    std::string code_override;
  };
  static const std::string& EmptyString() {
    static const std::string empty;
    return empty;
  }
  StatusCode code_ = StatusCode::kOk;
  std::unique_ptr<Detail> detail_;
};

inline Status InvalidArgument(std::string m) { return Status(StatusCode::kInvalidArgument, std::move(m)); }
inline Status OutOfRange(std::string m) { return Status(StatusCode::kOutOfRange, std::move(m)); }
inline Status InvalidPolygon(std::string m) { return Status(StatusCode::kInvalidPolygon, std::move(m)); }
inline Status BufferSize(std::string m) { return Status(StatusCode::kBufferSize, std::move(m)); }
inline Status Internal(std::string m) { return Status(StatusCode::kInternal, std::move(m)); }

// Default JS-visible code string for a status code.
const char* DefaultErrorCode(StatusCode code);

}  // namespace opk

#define OPK_RETURN_IF_ERROR(expr)          \
  do {                                     \
    ::opk::Status opk_status_ = (expr);    \
    if (!opk_status_.ok()) return opk_status_; \
  } while (0)
