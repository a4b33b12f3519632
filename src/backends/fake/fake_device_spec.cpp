// SPDX-License-Identifier: MIT
#include "backends/fake/fake_device_spec.h"

#include <algorithm>
#include <cmath>
#include <initializer_list>
#include <map>
#include <string>
#include <utility>

#include <nlohmann/json.hpp>

namespace usermedia::fake {
namespace {

using Json = nlohmann::json;

constexpr double kMaxFrameRate = 1000;
constexpr int kMinSampleRate = 8000;
constexpr int kMaxSampleRate = 384000;
constexpr int kMaxChannels = 8;
constexpr double kMaxToneFrequency = 20000;

// Walks one JSON document, remembering where it is so that every error names the member path
// (`devices[1].modes[0].width`) and the source it came from.
class SpecParser
{
public:
    explicit SpecParser(std::string_view sourceName) : sourceName_(sourceName) {}

    Result<std::vector<FakeDeviceSpec>> parseDocument(const Json& document)
    {
        const Json* devices = &document;
        std::string root;
        if (document.is_object()) {
            if (auto r = checkMembers(document, "", {"devices"}); !r)
                return r.error();
            if (!document.contains("devices"))
                return fail("", "missing member 'devices'");
            devices = &document.at("devices");
            root = "devices";
        }
        if (!devices->is_array())
            return fail(root, "must be an array of devices, got " + describe(*devices));

        std::vector<FakeDeviceSpec> specs;
        std::map<std::string, std::string> idPaths;
        for (std::size_t i = 0; i < devices->size(); ++i) {
            const std::string path = root + "[" + std::to_string(i) + "]";
            auto spec = parseDevice(devices->at(i), path);
            if (!spec)
                return spec.error();
            const std::string& id = spec->description.id;
            if (auto [it, inserted] = idPaths.emplace(id, path); !inserted)
                return fail(path + ".id", "duplicate id '" + id + "' (also " + it->second + ")");
            specs.push_back(std::move(*spec));
        }
        return specs;
    }

    Error malformed(const nlohmann::json::parse_error& error, std::string_view text) const
    {
        const std::size_t byte = std::min<std::size_t>(error.byte, text.size());
        // nlohmann counts the byte after the offending one; lines are 1-based.
        const std::size_t before = byte > 0 ? byte - 1 : 0;
        const auto line = 1 + std::count(text.begin(), text.begin() + before, '\n');
        return Error{ErrorName::TypeError,
                     std::string(sourceName_) + ": malformed JSON at byte " +
                             std::to_string(before) + " (line " + std::to_string(line) +
                             "): " + error.what(),
                     {},
                     0};
    }

private:
    Error fail(const std::string& path, const std::string& what) const
    {
        std::string message(sourceName_);
        message += ": ";
        if (!path.empty())
            message += path + ": ";
        message += what;
        return Error{ErrorName::TypeError, std::move(message), {}, 0};
    }

    static std::string describe(const Json& value)
    {
        std::string text = value.dump();
        if (text.size() > 40)
            text = text.substr(0, 37) + "...";
        return std::string(value.type_name()) + " " + text;
    }

    // Unknown members are errors: a typo in a test file must not pass silently.
    Result<void> checkMembers(const Json& object, const std::string& path,
                              std::initializer_list<std::string_view> known) const
    {
        for (const auto& [key, value] : object.items()) {
            if (std::find(known.begin(), known.end(), key) != known.end())
                continue;
            std::string list;
            for (std::string_view name : known)
                list += (list.empty() ? "" : ", ") + std::string(name);
            return fail(path, "unknown member '" + key + "' (known members: " + list + ")");
        }
        return {};
    }

    static std::string member(const std::string& path, std::string_view name)
    {
        return path.empty() ? std::string(name) : path + "." + std::string(name);
    }

    Result<std::string> string(const Json& value, const std::string& path, bool allowEmpty) const
    {
        if (!value.is_string())
            return fail(path, "must be a string, got " + describe(value));
        std::string text = value.get<std::string>();
        if (!allowEmpty && text.empty())
            return fail(path, "must not be empty");
        return text;
    }

    Result<std::int64_t> integer(const Json& value, const std::string& path, std::int64_t min,
                                 std::int64_t max) const
    {
        const std::string range = " in " + std::to_string(min) + ".." + std::to_string(max);
        if (!value.is_number_integer())
            return fail(path, "must be an integer" + range + ", got " + describe(value));
        if (value.is_number_unsigned() && value.get<std::uint64_t>() > std::uint64_t(max))
            return fail(path, "must be" + range + ", got " + value.dump());
        const auto number = value.get<std::int64_t>();
        if (number < min || number > max)
            return fail(path, "must be" + range + ", got " + value.dump());
        return number;
    }

    // A number in (0, max].
    Result<double> positive(const Json& value, const std::string& path, double max) const
    {
        const std::string range = " greater than 0 and at most " + Json(max).dump();
        if (!value.is_number())
            return fail(path, "must be a number" + range + ", got " + describe(value));
        const auto number = value.get<double>();
        if (!(number > 0) || number > max)
            return fail(path, "must be" + range + ", got " + value.dump());
        return number;
    }

    Result<FakeDeviceSpec> parseDevice(const Json& device, const std::string& path) const
    {
        if (!device.is_object())
            return fail(path, "must be an object, got " + describe(device));
        if (!device.contains("kind"))
            return fail(path, "missing member 'kind' (\"videoinput\" or \"audioinput\")");
        auto kindText = string(device.at("kind"), member(path, "kind"), false);
        if (!kindText)
            return kindText.error();
        FakeDeviceSpec spec;
        DeviceDescription& description = spec.description;
        if (*kindText == "videoinput") {
            description.kind = MediaDeviceKind::VideoInput;
            if (auto r = checkMembers(
                        device, path,
                        {"kind", "id", "label", "groupId", "facingMode", "modes", "faults"});
                !r)
                return r.error();
        } else if (*kindText == "audioinput") {
            description.kind = MediaDeviceKind::AudioInput;
            if (auto r =
                        checkMembers(device, path,
                                     {"kind", "id", "label", "groupId", "modes", "tone", "faults"});
                !r)
                return r.error();
        } else {
            return fail(member(path, "kind"), "unknown kind '" + *kindText +
                                                      "' (expected \"videoinput\" or "
                                                      "\"audioinput\")");
        }

        for (const char* required : {"id", "modes"}) {
            if (!device.contains(required))
                return fail(path, std::string("missing member '") + required + "'");
        }
        auto id = string(device.at("id"), member(path, "id"), false);
        if (!id)
            return id.error();
        description.id = *id;
        if (device.contains("label")) {
            auto label = string(device.at("label"), member(path, "label"), true);
            if (!label)
                return label.error();
            description.label = *label;
        }
        description.groupId = description.id;
        if (device.contains("groupId")) {
            auto groupId = string(device.at("groupId"), member(path, "groupId"), false);
            if (!groupId)
                return groupId.error();
            description.groupId = *groupId;
        }
        if (device.contains("facingMode")) {
            const std::string facingPath = member(path, "facingMode");
            auto facing = string(device.at("facingMode"), facingPath, false);
            if (!facing)
                return facing.error();
            if (*facing != "user" && *facing != "environment" && *facing != "left" &&
                *facing != "right")
                return fail(facingPath, "unknown facingMode '" + *facing +
                                                "' (expected user, environment, left or right)");
            description.facingMode = *facing;
        }

        const std::string modesPath = member(path, "modes");
        const Json& modes = device.at("modes");
        if (!modes.is_array())
            return fail(modesPath, "must be an array of modes, got " + describe(modes));
        if (modes.empty())
            return fail(modesPath, "must list at least one mode");
        for (std::size_t i = 0; i < modes.size(); ++i) {
            const std::string modePath = modesPath + "[" + std::to_string(i) + "]";
            Result<void> parsed =
                    description.kind == MediaDeviceKind::VideoInput
                            ? parseVideoMode(modes.at(i), modePath, description.videoModes)
                            : parseAudioMode(modes.at(i), modePath, description.audioModes);
            if (!parsed)
                return parsed.error();
        }

        if (device.contains("tone")) {
            auto tone = parseTone(device.at("tone"), member(path, "tone"));
            if (!tone)
                return tone.error();
            spec.tone = *tone;
        }
        if (device.contains("faults")) {
            auto faults = parseFaults(device.at("faults"), member(path, "faults"));
            if (!faults)
                return faults.error();
            spec.faults = *faults;
        }
        return spec;
    }

    Result<void> parseVideoMode(const Json& mode, const std::string& path,
                                std::vector<NativeVideoMode>& out) const
    {
        if (!mode.is_object())
            return fail(path, "must be an object, got " + describe(mode));
        if (auto r = checkMembers(mode, path,
                                  {"format", "width", "height", "frameRate", "frameRates"});
            !r)
            return r;
        for (const char* required : {"format", "width", "height"}) {
            if (!mode.contains(required))
                return fail(path, std::string("missing member '") + required + "'");
        }
        NativeVideoMode base;
        const std::string formatPath = member(path, "format");
        auto formatText = string(mode.at("format"), formatPath, false);
        if (!formatText)
            return formatText.error();
        auto format = nativePixelFormatFromString(*formatText);
        if (!format)
            return fail(formatPath, "unknown format '" + *formatText +
                                            "' (expected i420, nv12, yv12, yuyv, uyvy, mjpeg, "
                                            "rgb24, bgr24, bgra or y16)");
        base.format = *format;
        // 16384 keeps width * height * 4 bytes far from overflowing anything.
        auto width = integer(mode.at("width"), member(path, "width"), 1, 16384);
        if (!width)
            return width.error();
        auto height = integer(mode.at("height"), member(path, "height"), 1, 16384);
        if (!height)
            return height.error();
        base.width = static_cast<int>(*width);
        base.height = static_cast<int>(*height);

        const bool hasRate = mode.contains("frameRate");
        const bool hasRates = mode.contains("frameRates");
        if (hasRate == hasRates)
            return fail(path, "needs exactly one of 'frameRate' (a number or {\"min\", \"max\"}) "
                              "and 'frameRates' (an array of numbers)");
        if (hasRate) {
            const std::string ratePath = member(path, "frameRate");
            const Json& rate = mode.at("frameRate");
            if (rate.is_object()) {
                if (auto r = checkMembers(rate, ratePath, {"min", "max"}); !r)
                    return r;
                if (!rate.contains("min") || !rate.contains("max"))
                    return fail(ratePath, "a frame-rate range needs both 'min' and 'max'");
                auto min = positive(rate.at("min"), member(ratePath, "min"), kMaxFrameRate);
                if (!min)
                    return min.error();
                auto max = positive(rate.at("max"), member(ratePath, "max"), kMaxFrameRate);
                if (!max)
                    return max.error();
                if (*min > *max)
                    return fail(ratePath, "min must not exceed max");
                base.minFrameRate = *min;
                base.maxFrameRate = *max;
            } else {
                auto fixed = positive(rate, ratePath, kMaxFrameRate);
                if (!fixed)
                    return fixed.error();
                base.minFrameRate = base.maxFrameRate = *fixed;
            }
            out.push_back(base);
            return {};
        }
        const std::string ratesPath = member(path, "frameRates");
        const Json& rates = mode.at("frameRates");
        if (!rates.is_array() || rates.empty())
            return fail(ratesPath, "must be a non-empty array of numbers, got " + describe(rates));
        for (std::size_t i = 0; i < rates.size(); ++i) {
            auto fixed =
                    positive(rates.at(i), ratesPath + "[" + std::to_string(i) + "]", kMaxFrameRate);
            if (!fixed)
                return fixed.error();
            NativeVideoMode expanded = base;
            expanded.minFrameRate = expanded.maxFrameRate = *fixed;
            out.push_back(expanded);
        }
        return {};
    }

    Result<void> parseAudioMode(const Json& mode, const std::string& path,
                                std::vector<NativeAudioMode>& out) const
    {
        if (!mode.is_object())
            return fail(path, "must be an object, got " + describe(mode));
        if (auto r = checkMembers(mode, path, {"sampleRate", "channels", "sampleSize", "latency"});
            !r)
            return r;
        for (const char* required : {"sampleRate", "channels"}) {
            if (!mode.contains(required))
                return fail(path, std::string("missing member '") + required + "'");
        }
        NativeAudioMode audio;
        auto rate = integer(mode.at("sampleRate"), member(path, "sampleRate"), kMinSampleRate,
                            kMaxSampleRate);
        if (!rate)
            return rate.error();
        auto channels = integer(mode.at("channels"), member(path, "channels"), 1, kMaxChannels);
        if (!channels)
            return channels.error();
        audio.sampleRate = static_cast<int>(*rate);
        audio.channels = static_cast<int>(*channels);
        if (mode.contains("sampleSize")) {
            const std::string sizePath = member(path, "sampleSize");
            auto size = integer(mode.at("sampleSize"), sizePath, 8, 32);
            if (!size)
                return size.error();
            if (*size % 8 != 0)
                return fail(sizePath, "must be 8, 16, 24 or 32, got " + std::to_string(*size));
            audio.sampleSize = static_cast<int>(*size);
        }
        if (mode.contains("latency")) {
            const std::string latencyPath = member(path, "latency");
            const Json& latency = mode.at("latency");
            if (!latency.is_number() || latency.get<double>() < 0 || latency.get<double>() > 10)
                return fail(latencyPath,
                            "must be a number of seconds in 0..10, got " + describe(latency));
            audio.latency = latency.get<double>();
        }
        out.push_back(audio);
        return {};
    }

    Result<ToneSettings> parseTone(const Json& tone, const std::string& path) const
    {
        if (!tone.is_object())
            return fail(path, "must be an object, got " + describe(tone));
        if (auto r = checkMembers(tone, path, {"frequency", "beepFrequency"}); !r)
            return r.error();
        ToneSettings settings;
        if (tone.contains("frequency")) {
            auto f = positive(tone.at("frequency"), member(path, "frequency"), kMaxToneFrequency);
            if (!f)
                return f.error();
            settings.frequency = *f;
        }
        if (tone.contains("beepFrequency")) {
            auto f = positive(tone.at("beepFrequency"), member(path, "beepFrequency"),
                              kMaxToneFrequency);
            if (!f)
                return f.error();
            settings.beepFrequency = *f;
        }
        return settings;
    }

    Result<FakeFaults> parseFaults(const Json& faults, const std::string& path) const
    {
        if (!faults.is_object())
            return fail(path, "must be an object, got " + describe(faults));
        if (auto r = checkMembers(faults, path, {"open", "unplugAfterFrames", "stall"}); !r)
            return r.error();
        constexpr std::int64_t kMaxFrames = std::int64_t{1} << 40;
        FakeFaults result;
        if (faults.contains("open")) {
            const std::string openPath = member(path, "open");
            auto open = string(faults.at("open"), openPath, false);
            if (!open)
                return open.error();
            if (*open == "busy")
                result.open = OpenFault::Busy;
            else if (*open == "denied")
                result.open = OpenFault::Denied;
            else if (*open == "missing")
                result.open = OpenFault::Missing;
            else
                return fail(openPath, "unknown open fault '" + *open +
                                              "' (expected busy, denied or missing)");
        }
        if (faults.contains("unplugAfterFrames")) {
            auto frames = integer(faults.at("unplugAfterFrames"), member(path, "unplugAfterFrames"),
                                  0, kMaxFrames);
            if (!frames)
                return frames.error();
            result.unplugAfterFrames = static_cast<std::uint64_t>(*frames);
        }
        if (faults.contains("stall")) {
            const std::string stallPath = member(path, "stall");
            const Json& stall = faults.at("stall");
            if (!stall.is_object())
                return fail(stallPath, "must be an object, got " + describe(stall));
            if (auto r = checkMembers(stall, stallPath, {"afterFrames", "forFrames"}); !r)
                return r.error();
            if (!stall.contains("afterFrames") || !stall.contains("forFrames"))
                return fail(stallPath, "needs both 'afterFrames' and 'forFrames'");
            auto after = integer(stall.at("afterFrames"), member(stallPath, "afterFrames"), 0,
                                 kMaxFrames);
            if (!after)
                return after.error();
            auto count =
                    integer(stall.at("forFrames"), member(stallPath, "forFrames"), 1, kMaxFrames);
            if (!count)
                return count.error();
            result.stall = StallFault{static_cast<std::uint64_t>(*after),
                                      static_cast<std::uint64_t>(*count)};
        }
        return result;
    }

    std::string_view sourceName_;
};

} // namespace

Result<std::vector<FakeDeviceSpec>> parseFakeDevices(std::string_view jsonText,
                                                     std::string_view sourceName)
{
    SpecParser parser(sourceName);
    Json document;
    // nlohmann reports positions only through its exception; it never leaves this function.
    try {
        document = Json::parse(jsonText);
    } catch (const nlohmann::json::parse_error& error) {
        return parser.malformed(error, jsonText);
    }
    return parser.parseDocument(document);
}

std::vector<FakeDeviceSpec> defaultFakeDevices()
{
    FakeDeviceSpec camera;
    camera.description.id = "fake-camera-0";
    camera.description.kind = MediaDeviceKind::VideoInput;
    camera.description.label = "Fake Camera";
    camera.description.groupId = "fake-group-0";
    camera.description.facingMode = "user";
    // What a typical USB webcam offers: MJPEG for the large sizes at full rate, YUYV limited by
    // USB 2 bandwidth at 720p.
    const auto add = [&](NativePixelFormat format, int width, int height,
                         std::initializer_list<double> rates) {
        for (double rate : rates)
            camera.description.videoModes.push_back({format, width, height, rate, rate});
    };
    add(NativePixelFormat::MJPEG, 1920, 1080, {30, 15});
    add(NativePixelFormat::MJPEG, 1280, 720, {30, 15});
    add(NativePixelFormat::MJPEG, 640, 480, {30, 15});
    add(NativePixelFormat::YUYV, 1280, 720, {10, 5});
    add(NativePixelFormat::YUYV, 640, 480, {30, 15});
    add(NativePixelFormat::YUYV, 320, 240, {30, 15});
    add(NativePixelFormat::YUYV, 160, 120, {30, 15});

    FakeDeviceSpec microphone;
    microphone.description.id = "fake-microphone-0";
    microphone.description.kind = MediaDeviceKind::AudioInput;
    microphone.description.label = "Fake Microphone";
    microphone.description.groupId = "fake-group-0";
    microphone.description.audioModes = {{48000, 1, 16, 0.01}, {48000, 2, 16, 0.01}};

    std::vector<FakeDeviceSpec> devices;
    devices.push_back(std::move(camera));
    devices.push_back(std::move(microphone));
    return devices;
}

} // namespace usermedia::fake
