// SPDX-License-Identifier: MIT
// The CLI's terminal prompt on a pseudo-terminal that the test holds: a cancelled (timed-out)
// question is erased, and an answer typed after it is not taken for the next question.
// Driven by what the terminal shows, never by time.
#include "../../tools/usermedia/terminal_prompt.h"

#include <chrono>
#include <future>
#include <string>
#include <string_view>
#include <thread>

#include <gtest/gtest.h>
#include <poll.h>
#include <pty.h>
#include <unistd.h>

#include <usermedia/permissions.h>

namespace usermedia::cli {
namespace {

// A pseudo-terminal: the prompt opens the slave by name; the test reads and types on the master.
class Terminal
{
public:
    Terminal()
    {
        char name[256] = {};
        if (::openpty(&master_, &slave_, name, nullptr, nullptr) == 0)
            name_ = name;
    }
    ~Terminal()
    {
        if (master_ >= 0)
            ::close(master_);
        if (slave_ >= 0)
            ::close(slave_);
    }
    Terminal(const Terminal&) = delete;
    Terminal& operator=(const Terminal&) = delete;

    const std::string& name() const { return name_; }

    // Reads until what the terminal showed (since the last consume()) contains \p text.
    bool waitFor(std::string_view text)
    {
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
        while (shown_.find(text) == std::string::npos) {
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                    deadline - std::chrono::steady_clock::now());
            pollfd fd{master_, POLLIN, 0};
            if (left.count() <= 0 || ::poll(&fd, 1, static_cast<int>(left.count())) <= 0)
                return false;
            char buffer[512];
            const ssize_t got = ::read(master_, buffer, sizeof buffer);
            if (got <= 0)
                return false;
            shown_.append(buffer, static_cast<std::size_t>(got));
        }
        return true;
    }
    const std::string& shown() const { return shown_; }
    void consume() { shown_.clear(); }

    void type(std::string_view text)
    {
        ASSERT_EQ(::write(master_, text.data(), text.size()), static_cast<ssize_t>(text.size()));
    }

private:
    int master_ = -1;
    int slave_ = -1;
    std::string name_;
    std::string shown_;
};

PermissionRequest cameraRequest()
{
    PermissionRequest request;
    request.origin = "test-app";
    request.camera = true;
    request.devices.push_back({"id", MediaDeviceKind::VideoInput, "Fake Camera", "group"});
    request.cancellation = std::make_shared<PermissionPromptCancellation>();
    return request;
}

// Runs the prompt on its own thread (it blocks on the terminal, as on the control thread).
std::future<PermissionAnswer> ask(const TerminalPrompt& prompt, const PermissionRequest& request)
{
    return std::async(std::launch::async, [callback = prompt.callback(), request] {
        std::promise<PermissionAnswer> answer;
        auto future = answer.get_future();
        callback(request, [&answer](PermissionAnswer given) { answer.set_value(given); });
        return future.get();
    });
}

constexpr std::string_view kQuestionEnd = "[d]eny always: ";

TEST(TerminalPromptTest, ACancelledQuestionIsErasedAndALateAnswerIsNotTakenForTheNext)
{
    Terminal terminal;
    ASSERT_FALSE(terminal.name().empty()) << "openpty failed";
    TerminalPrompt prompt(terminal.name());

    const PermissionRequest first = cameraRequest();
    auto firstAnswer = ask(prompt, first);
    ASSERT_TRUE(terminal.waitFor(kQuestionEnd)) << terminal.shown();
    EXPECT_NE(terminal.shown().find("Allow test-app to use your camera (Fake Camera)?"),
              std::string::npos);
    terminal.consume();
    first.cancellation->cancel(); // what the broker does when promptTimeout passes
    ASSERT_EQ(firstAnswer.wait_for(std::chrono::seconds(10)), std::future_status::ready)
            << "a cancelled prompt returns without an answer typed";
    EXPECT_EQ(firstAnswer.get(), PermissionAnswer::Dismiss);
    ASSERT_TRUE(terminal.waitFor("\r\x1b[K")) << "the question is erased: " << terminal.shown();

    // The user, late, answers the question that is gone. The echo shows the line discipline
    // has it queued for the next reader.
    terminal.type("y\n");
    ASSERT_TRUE(terminal.waitFor("y\r\n")) << terminal.shown();
    terminal.consume();

    const PermissionRequest second = cameraRequest();
    auto secondAnswer = ask(prompt, second);
    ASSERT_TRUE(terminal.waitFor(kQuestionEnd)) << terminal.shown();
    terminal.type("n\n");
    ASSERT_EQ(secondAnswer.wait_for(std::chrono::seconds(10)), std::future_status::ready);
    EXPECT_EQ(secondAnswer.get(), PermissionAnswer::DenyOnce)
            << "the late \"y\" answered the second question";
}

TEST(TerminalPromptTest, ACancellationBeforeTheQuestionStillReturns)
{
    Terminal terminal;
    ASSERT_FALSE(terminal.name().empty()) << "openpty failed";
    TerminalPrompt prompt(terminal.name());
    const PermissionRequest request = cameraRequest();
    request.cancellation->cancel();
    auto answer = ask(prompt, request);
    ASSERT_EQ(answer.wait_for(std::chrono::seconds(10)), std::future_status::ready);
    EXPECT_EQ(answer.get(), PermissionAnswer::Dismiss);
}

TEST(TerminalPromptTest, WithoutACancellationAnAnswerIsRead)
{
    Terminal terminal;
    ASSERT_FALSE(terminal.name().empty()) << "openpty failed";
    TerminalPrompt prompt(terminal.name());
    PermissionRequest request = cameraRequest();
    request.cancellation.reset();
    auto answer = ask(prompt, request);
    ASSERT_TRUE(terminal.waitFor(kQuestionEnd)) << terminal.shown();
    terminal.type("always\n");
    ASSERT_EQ(answer.wait_for(std::chrono::seconds(10)), std::future_status::ready);
    EXPECT_EQ(answer.get(), PermissionAnswer::AllowAlways);
}

} // namespace
} // namespace usermedia::cli
