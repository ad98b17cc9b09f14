// Helpers shared by the geometry binding files (geometry_binding.cc, geometry_boolean.cc).
#pragma once

#include <napi.h>

#include <string>

#include "geometry/batch.h"
#include "geometry/types.h"

namespace opk::binding {

geom::JoinType ReadJoinType(Napi::Env env, const std::string& s);
geom::EndType ReadEndType(Napi::Env env, const std::string& s);
// {coords: Float64Array, ringOffsets: Uint32Array, polygonRings: Uint32Array}
Napi::Object BatchToJs(Napi::Env env, const geom::BatchOut& out);
void InitGeometryBoolean(Napi::Env env, Napi::Object exports);

}  // namespace opk::binding
