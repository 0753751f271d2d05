// CallThread: one thread that runs jobs one after another, in the order they were added.
//
// libnats' JetStream management calls (stream info, add stream, get message, consumer
// creation) block until the server answers or their timeout passes; the gateway's owner
// thread must never wait for the network, so it hands them to a CallThread and receives
// the results through its post function.
//
// Run() may be called from any thread. The destructor lets the running job finish, drops
// the jobs not yet started, and joins the thread; it must not run on the CallThread
// itself.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

namespace ssegw::cluster {

class CallThread {
 public:
  CallThread();
  ~CallThread();
  CallThread(const CallThread&) = delete;
  CallThread& operator=(const CallThread&) = delete;

  void Run(std::function<void()> job);

 private:
  void Loop();

  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> jobs_;  // guarded by mutex_
  bool stopping_ = false;                   // guarded by mutex_
  std::thread thread_;
};

}  // namespace ssegw::cluster
