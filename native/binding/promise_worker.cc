#include "binding/promise_worker.h"

#include <exception>
#include <new>
#include <utility>

#include "binding/errors.h"

namespace opk::binding {

Napi::Promise PromiseWorker::Run(Napi::Env env, const char* resource_name, Work work, Ok ok) {
  auto* w = new PromiseWorker(env, resource_name, std::move(work), std::move(ok));
  Napi::Promise p = w->deferred_.Promise();
  w->Queue();
  return p;
}

PromiseWorker::PromiseWorker(Napi::Env env, const char* resource_name, Work work, Ok ok)
    : Napi::AsyncWorker(env, resource_name),
      deferred_(Napi::Promise::Deferred::New(env)),
      work_(std::move(work)),
      ok_(std::move(ok)) {}

void PromiseWorker::Execute() {
  try {
    status_ = work_();
  } catch (const std::bad_alloc&) {
    status_ = Status(StatusCode::kOutOfMemory, "out of memory");
  } catch (const std::exception& e) {
    status_ = Internal(e.what());
  } catch (...) {
    status_ = Internal("unknown exception");
  }
}

void PromiseWorker::OnOK() {
  Napi::Env env = Env();
  try {
    Napi::HandleScope scope(env);
    if (!status_.ok()) {
      deferred_.Reject(MakeError(env, status_).Value());
      return;
    }
    Napi::Value value;
    try {
      value = ok_ ? ok_(env) : env.Undefined();
    } catch (const Napi::Error& e) {
      deferred_.Reject(e.Value());
      return;
    } catch (const std::bad_alloc&) {
      deferred_.Reject(MakeError(env, Status(StatusCode::kOutOfMemory, "out of memory")).Value());
      return;
    } catch (const std::exception& e) {
      deferred_.Reject(MakeError(env, Internal(e.what())).Value());
      return;
    }
    deferred_.Resolve(value);
  } catch (const Napi::Error&) {
    // The environment is going away: see the header.
  }
}

void PromiseWorker::OnError(const Napi::Error& e) {
  try {
    deferred_.Reject(e.Value());
  } catch (const Napi::Error&) {
  }
}

}  // namespace opk::binding
