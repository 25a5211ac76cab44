#include "runtime/call_inboxes.hpp"

#include "runtime/actor_runner.hpp"

namespace infergrid {

call_inboxes::call_inboxes(zmq::context_t& context, directory& names, std::string node_name, std::string reply_endpoint,
                           const runtime_limits& limits, const transport_credentials& transport, std::size_t idle_max)
    : context_(context),
      names_(names),
      node_name_(std::move(node_name)),
      reply_endpoint_(std::move(reply_endpoint)),
      limits_(limits),
      transport_(transport),
      idle_max_(idle_max) {}

call_inboxes::~call_inboxes() {
  std::vector<std::unique_ptr<inbox>> left;
  {
    std::lock_guard lock(mutex_);
    left.swap(idle_);
  }
  for (auto& gone : left) close(std::move(gone));
}

result<call_inboxes::lease> call_inboxes::borrow() {
  std::string name;
  {
    std::lock_guard lock(mutex_);
    if (!idle_.empty()) {
      std::unique_ptr<inbox> reused = std::move(idle_.back());
      idle_.pop_back();
      return lease(*this, std::move(reused));
    }
    name = "_call." + std::to_string(next_name_++);
  }
  try {
    zmq::socket_t socket(context_, zmq::socket_type::pull);
    socket.set(zmq::sockopt::linger, 0);
    socket.bind(inbox_endpoint(node_name_, name));
    auto fresh = std::make_unique<inbox>(
        inbox{name, std::move(socket), outbox(context_, names_, reply_endpoint_, limits_, transport_), first_message_id()});
    names_.add_local(name);
    return lease(*this, std::move(fresh));
  } catch (const zmq::error_t& e) {
    return make_error(error_code::io_error, "call: cannot open an inbox: " + std::string(e.what()));
  }
}

std::size_t call_inboxes::idle() const {
  std::lock_guard lock(mutex_);
  return idle_.size();
}

void call_inboxes::give_back(std::unique_ptr<inbox> returned) {
  {
    std::lock_guard lock(mutex_);
    if (idle_.size() < idle_max_) {
      idle_.push_back(std::move(returned));
      return;
    }
  }
  close(std::move(returned));
}

void call_inboxes::close(std::unique_ptr<inbox> gone) {
  names_.remove_local(gone->name);
  gone.reset();
}

}  // namespace infergrid
