// The one way the glue runs native work off the JS thread and answers with a promise.
//
//   return PromiseWorker::Run(env, "ocr-perfkit:thing", [job]() { return job->Run(); },
//                             [job](Napi::Env env) { return ToJs(env, job->out); });
//
// `work` runs on a libuv pool thread and must touch only what it owns (copy arguments into C++
// structs on the JS thread first). It returns a Status: not ok rejects the promise with the coded
// JS error; ok resolves it with `ok(env)` (undefined when `ok` is empty), run on the JS thread.
// C++ exceptions from `work` become ERR_OUT_OF_MEMORY / ERR_INTERNAL rejections.
//
// When the environment is being torn down (a worker thread terminated while the work ran),
// settling the promise fails; nobody can observe it then, so the result is dropped instead of
// letting the error escape the completion callback, which would abort the whole process.
#pragma once

#include <napi.h>

#include <functional>

#include "common/status.h"

namespace opk::binding {

class PromiseWorker : public Napi::AsyncWorker {
 public:
  using Work = std::function<Status()>;
  using Ok = std::function<Napi::Value(Napi::Env)>;

  static Napi::Promise Run(Napi::Env env, const char* resource_name, Work work, Ok ok = nullptr);

 private:
  PromiseWorker(Napi::Env env, const char* resource_name, Work work, Ok ok);
  void Execute() override;
  void OnOK() override;
  void OnError(const Napi::Error& e) override;

  Napi::Promise::Deferred deferred_;
  Work work_;
  Ok ok_;
  Status status_;
};

}  // namespace opk::binding
