// SPDX-License-Identifier: MIT
#include "core/permission_store.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <optional>
#include <string_view>

#include <fcntl.h>
#include <nlohmann/json.hpp>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

namespace usermedia {
namespace {

using nlohmann::json;

constexpr int kVersion = 1;
constexpr const char* kFileName = "permissions.json";

std::string osText(int error)
{
    return std::strerror(error);
}

Error writeError(const std::string& what, const std::string& path, int error)
{
    return Error{ErrorName::NotAllowedError,
                 "permission store: cannot " + what + " " + path + ": " + osText(error),
                 {},
                 error};
}

// Closes a descriptor on every path out of a function.
class Fd
{
public:
    explicit Fd(int fd) : fd_(fd) {}
    ~Fd()
    {
        if (fd_ >= 0)
            ::close(fd_);
    }
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    int get() const { return fd_; }
    int release()
    {
        const int fd = fd_;
        fd_ = -1;
        return fd;
    }

private:
    int fd_;
};

std::optional<PermissionState> stateFrom(std::string_view text)
{
    if (text == "granted")
        return PermissionState::Granted;
    if (text == "denied")
        return PermissionState::Denied;
    if (text == "prompt")
        return PermissionState::Prompt;
    return std::nullopt;
}

// Reads the whole file. Missing: empty optional with errno ENOENT in *error.
bool readFile(const std::string& path, std::string& out, int& error)
{
    Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (fd.get() < 0) {
        error = errno;
        return false;
    }
    char buffer[4096];
    for (;;) {
        const ssize_t n = ::read(fd.get(), buffer, sizeof buffer);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            error = errno;
            return false;
        }
        if (n == 0)
            return true;
        out.append(buffer, static_cast<std::size_t>(n));
    }
}

// Parses the store; the message says what is wrong with a damaged one.
Result<PermissionMap> parse(const std::string& text, const std::string& path)
{
    auto damaged = [&path](const std::string& why) {
        return Error{ErrorName::NotReadableError,
                     "permission store " + path + " is damaged (" + why + ")",
                     {},
                     0};
    };
    const json doc = json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (doc.is_discarded())
        return damaged("not valid JSON");
    if (!doc.is_object())
        return damaged("not a JSON object");
    const auto version = doc.find("version");
    if (version == doc.end() || !version->is_number_integer())
        return damaged("no integer \"version\"");
    if (version->get<std::int64_t>() != kVersion)
        return damaged("version " + version->dump() + ", expected " + std::to_string(kVersion));
    const auto origins = doc.find("origins");
    if (origins == doc.end() || !origins->is_object())
        return damaged("no \"origins\" object");
    PermissionMap map;
    for (const auto& [origin, entry] : origins->items()) {
        if (!entry.is_object())
            return damaged("origin '" + origin + "' is not an object");
        OriginPermissions permissions;
        for (const auto& [key, value] : entry.items()) {
            if (key == "camera" || key == "microphone") {
                const auto state =
                        value.is_string() ? stateFrom(value.get<std::string>()) : std::nullopt;
                if (!state)
                    return damaged("origin '" + origin + "': \"" + key +
                                   "\" is not granted, denied or prompt");
                permissions[key == "camera" ? PermissionName::Camera : PermissionName::Microphone] =
                        *state;
            } else if (key == "salt") {
                if (!value.is_string())
                    return damaged("origin '" + origin + "': \"salt\" is not a string");
                permissions.salt = value.get<std::string>();
            }
            // Unknown members are ignored: a later minor addition must not read as damage.
        }
        map.emplace(origin, std::move(permissions));
    }
    return map;
}

std::string serialise(const PermissionMap& map)
{
    json origins = json::object();
    for (const auto& [origin, permissions] : map) {
        json entry = json::object();
        if (permissions.camera != PermissionState::Prompt)
            entry["camera"] = std::string(toString(permissions.camera));
        if (permissions.microphone != PermissionState::Prompt)
            entry["microphone"] = std::string(toString(permissions.microphone));
        if (!permissions.salt.empty())
            entry["salt"] = permissions.salt;
        origins[origin] = std::move(entry);
    }
    json doc = json::object();
    doc["version"] = kVersion;
    doc["origins"] = std::move(origins);
    // Invalid UTF-8 in an origin (it may be a path) is replaced rather than thrown on.
    return doc.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

bool writeAll(int fd, const std::string& text)
{
    std::size_t done = 0;
    while (done < text.size()) {
        const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return false;
        }
        done += static_cast<std::size_t>(n);
    }
    return true;
}

} // namespace

PermissionStore::PermissionStore(std::string directory, Warn warn)
    : directory_(directory.empty() ? defaultDirectory() : std::move(directory)),
      warn_(std::move(warn))
{}

std::string PermissionStore::defaultDirectory()
{
    // XDG Base Directory: $XDG_CONFIG_HOME if set and absolute, else $HOME/.config.
    // NOLINTNEXTLINE(concurrency-mt-unsafe): read once per context, nobody sets it concurrently
    if (const char* config = std::getenv("XDG_CONFIG_HOME"); config && config[0] == '/')
        return std::string(config) + "/usermedia";
    // NOLINTNEXTLINE(concurrency-mt-unsafe): as above
    if (const char* home = std::getenv("HOME"); home && home[0] != '\0')
        return std::string(home) + "/.config/usermedia";
    return {};
}

std::string PermissionStore::path() const
{
    return directory_ + "/" + kFileName;
}

void PermissionStore::warnOnce(const std::string& message) const
{
    if (!damageReported_.exchange(true) && warn_)
        warn_(message);
}

Result<PermissionMap> PermissionStore::readAll() const
{
    if (directory_.empty())
        return PermissionMap{};
    std::string text;
    int error = 0;
    if (!readFile(path(), text, error)) {
        if (error == ENOENT || error == ENOTDIR)
            return PermissionMap{};
        return Error{ErrorName::NotReadableError,
                     "permission store " + path() + " cannot be read: " + osText(error),
                     {},
                     error};
    }
    return parse(text, path());
}

OriginPermissions PermissionStore::read(const std::string& origin) const
{
    auto all = readAll();
    if (!all) {
        // Never a grant: a damaged store reads as "prompt" for everyone.
        warnOnce(all.error().message + "; treating every permission as \"prompt\" until a new "
                                       "decision replaces it");
        return {};
    }
    const auto it = all->find(origin);
    return it == all->end() ? OriginPermissions{} : it->second;
}

Result<void> PermissionStore::ensureDirectory() const
{
    if (directory_.empty())
        return Error{ErrorName::NotAllowedError,
                     "permission store: neither XDG_CONFIG_HOME nor HOME is set",
                     {},
                     0};
    // Create each missing component; the last one private (0700), as XDG asks for config.
    for (std::size_t slash = 1; slash != std::string::npos;) {
        slash = directory_.find('/', slash + 1);
        const std::string part = directory_.substr(0, slash);
        if (::mkdir(part.c_str(), slash == std::string::npos ? 0700 : 0755) != 0 && errno != EEXIST)
            return writeError("create the directory", part, errno);
    }
    struct stat info = {};
    if (::stat(directory_.c_str(), &info) != 0)
        return writeError("stat", directory_, errno);
    if (!S_ISDIR(info.st_mode))
        return writeError("use", directory_, ENOTDIR);
    return {};
}

Result<PermissionMap> PermissionStore::update(const std::function<void(PermissionMap&)>& change,
                                              bool userDecision)
{
    if (auto ready = ensureDirectory(); !ready)
        return ready.error();
    const std::string file = path();
    const std::string lockPath = file + ".lock";
    Fd lock(::open(lockPath.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600));
    if (lock.get() < 0)
        return writeError("open the lock file", lockPath, errno);
    // Held until `lock` closes: the read below sees every earlier writer's result.
    while (::flock(lock.get(), LOCK_EX) != 0) {
        if (errno != EINTR)
            return writeError("lock", lockPath, errno);
    }

    PermissionMap map;
    if (auto current = readAll(); current) {
        map = std::move(*current);
    } else if (!userDecision) {
        return current.error();
    } else {
        // Keep the damaged file for whoever wants to look at it; start afresh.
        const std::string aside = file + ".damaged-" + std::to_string(std::time(nullptr));
        if (::rename(file.c_str(), aside.c_str()) != 0)
            return writeError("move the damaged store aside to", aside, errno);
        if (warn_)
            warn_(current.error().message + "; kept as " + aside + ", writing a new store");
        damageReported_ = false;
    }

    change(map);
    std::erase_if(map, [](const auto& entry) { return entry.second == OriginPermissions{}; });

    std::string temp = file + ".tmp-XXXXXX";
    Fd out(::mkostemp(temp.data(), O_CLOEXEC)); // created 0600
    if (out.get() < 0)
        return writeError("create", temp, errno);
    const std::string text = serialise(map);
    if (!writeAll(out.get(), text) || ::fsync(out.get()) != 0) {
        const int error = errno;
        ::unlink(temp.c_str());
        return writeError("write", temp, error);
    }
    if (::close(out.release()) != 0) {
        const int error = errno;
        ::unlink(temp.c_str());
        return writeError("write", temp, error);
    }
    if (::rename(temp.c_str(), file.c_str()) != 0) {
        const int error = errno;
        ::unlink(temp.c_str());
        return writeError("replace", file, error);
    }
    // The rename itself is durable only once the directory is synced.
    Fd dir(::open(directory_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (dir.get() >= 0)
        ::fsync(dir.get());
    return map;
}

std::string PermissionStore::newSalt()
{
    unsigned char bytes[16] = {};
    std::size_t got = 0;
    while (got < sizeof bytes) {
        const ssize_t n = ::getrandom(bytes + got, sizeof bytes - got, 0);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            break; // no kernel randomness: fall back below rather than fail
        }
        got += static_cast<std::size_t>(n);
    }
    if (got < sizeof bytes) {
        std::FILE* urandom = std::fopen("/dev/urandom", "rb");
        if (urandom) {
            got += std::fread(bytes + got, 1, sizeof bytes - got, urandom);
            std::fclose(urandom);
        }
    }
    static constexpr char kHex[] = "0123456789abcdef";
    std::string salt;
    for (const unsigned char byte : bytes) {
        salt += kHex[byte >> 4];
        salt += kHex[byte & 0xf];
    }
    return salt;
}

} // namespace usermedia
