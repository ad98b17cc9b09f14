#include "common/status.h"

namespace opk {

const char* DefaultErrorCode(StatusCode code) {
  switch (code) {
    case StatusCode::kOk: return "OK";
    case StatusCode::kInvalidArgument: return "ERR_INVALID_ARGUMENT";
    case StatusCode::kOutOfRange: return "ERR_OUT_OF_RANGE";
    case StatusCode::kInvalidPolygon: return "ERR_INVALID_POLYGON";
    case StatusCode::kCoordinateOverflow: return "ERR_COORDINATE_OVERFLOW";
    case StatusCode::kBufferSize: return "ERR_BUFFER_SIZE";
    case StatusCode::kUnavailable: return "ERR_UNAVAILABLE";
    case StatusCode::kLibraryError: return "ERR_LIBRARY";
    case StatusCode::kClosed: return "ERR_CLOSED";
    case StatusCode::kOutOfMemory: return "ERR_OUT_OF_MEMORY";
    case StatusCode::kInternal: return "ERR_INTERNAL";
  }
  return "ERR_INTERNAL";
}

}  // namespace opk
