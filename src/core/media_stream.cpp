// SPDX-License-Identifier: MIT
#include <algorithm>
#include <mutex>
#include <utility>

#include <usermedia/media_stream.h>

#include "base/random_id.h"
#include "core/track_impl.h"

namespace usermedia {

/**
 * The state behind a MediaStream handle. It watches its tracks' "ended" events to fire
 * "inactive" when the last live track ends.
 * Thread: all members thread-safe; listeners run without the lock.
 */
class MediaStream::Impl : public std::enable_shared_from_this<MediaStream::Impl>
{
public:
    Impl() : id_(randomUuid()) {}
    ~Impl()
    {
        for (auto& [track, listener] : tracks_)
            track.removeEventListener(listener);
    }
    Impl(const Impl&) = delete;
    Impl& operator=(const Impl&) = delete;

    const std::string& id() const { return id_; }

    std::vector<MediaStreamTrack> tracks() const
    {
        std::lock_guard lock(mutex_);
        std::vector<MediaStreamTrack> out;
        out.reserve(tracks_.size());
        for (const auto& entry : tracks_)
            out.push_back(entry.first);
        return out;
    }

    bool active() const
    {
        std::lock_guard lock(mutex_);
        return activeLocked();
    }

    void add(const MediaStreamTrack& track)
    {
        if (!track)
            return;
        bool becameActive = false;
        {
            std::lock_guard lock(mutex_);
            if (contains(track))
                return;
            const bool wasActive = activeLocked();
            std::weak_ptr<Impl> weak = weak_from_this();
            const ListenerId listener = track.impl()->addEventListener("ended", [weak] {
                if (auto self = weak.lock())
                    self->onTrackEnded();
            });
            tracks_.emplace_back(track, listener);
            becameActive = !wasActive && activeLocked();
        }
        fire({"addtrack", track});
        if (becameActive)
            fire({"active", {}});
    }

    void remove(const MediaStreamTrack& track)
    {
        bool becameInactive = false;
        {
            std::lock_guard lock(mutex_);
            const auto it = std::find_if(tracks_.begin(), tracks_.end(),
                                         [&](const auto& entry) { return entry.first == track; });
            if (it == tracks_.end())
                return;
            const bool wasActive = activeLocked();
            it->first.removeEventListener(it->second);
            tracks_.erase(it);
            becameInactive = wasActive && !activeLocked();
        }
        fire({"removetrack", track});
        if (becameInactive)
            fire({"inactive", {}});
    }

    ListenerId listen(std::string_view type, std::function<void(const MediaStreamEvent&)> fn)
    {
        if ((type != "addtrack" && type != "removetrack" && type != "active" &&
             type != "inactive") ||
            !fn)
            return 0;
        std::lock_guard lock(mutex_);
        const ListenerId id = nextListener_++;
        listeners_.push_back({id, std::string(type), std::move(fn)});
        return id;
    }

    void unlisten(ListenerId id)
    {
        std::lock_guard lock(mutex_);
        std::erase_if(listeners_, [id](const Listener& l) { return l.id == id; });
    }

private:
    struct Listener
    {
        ListenerId id;
        std::string type;
        std::function<void(const MediaStreamEvent&)> fn;
    };

    bool contains(const MediaStreamTrack& track) const
    {
        return std::any_of(tracks_.begin(), tracks_.end(),
                           [&](const auto& entry) { return entry.first == track; });
    }

    bool activeLocked() const
    {
        return std::any_of(tracks_.begin(), tracks_.end(), [](const auto& entry) {
            return entry.first.readyState() == MediaStreamTrackState::Live;
        });
    }

    // A track ended: the stream goes inactive once none is live (fired once per transition).
    void onTrackEnded()
    {
        {
            std::lock_guard lock(mutex_);
            if (activeLocked() || reportedInactive_)
                return;
            reportedInactive_ = true;
        }
        fire({"inactive", {}});
    }

    void fire(const MediaStreamEvent& event)
    {
        std::vector<std::function<void(const MediaStreamEvent&)>> targets;
        {
            std::lock_guard lock(mutex_);
            if (event.type == "active")
                reportedInactive_ = false;
            else if (event.type == "inactive")
                reportedInactive_ = true;
            for (const auto& listener : listeners_) {
                if (listener.type == event.type)
                    targets.push_back(listener.fn);
            }
        }
        for (auto& target : targets)
            target(event);
    }

    const std::string id_;
    mutable std::mutex mutex_;
    std::vector<std::pair<MediaStreamTrack, ListenerId>> tracks_; // guarded by mutex_
    std::vector<Listener> listeners_;                             // guarded by mutex_
    ListenerId nextListener_ = 1;                                 // guarded by mutex_
    bool reportedInactive_ = false;                               // guarded by mutex_
};

MediaStream::MediaStream() : impl_(std::make_shared<Impl>())
{}

MediaStream::MediaStream(const std::vector<MediaStreamTrack>& tracks) : MediaStream()
{
    for (const auto& track : tracks)
        impl_->add(track);
}

std::string MediaStream::id() const
{
    return impl_->id();
}

std::vector<MediaStreamTrack> MediaStream::getTracks() const
{
    return impl_->tracks();
}

std::vector<MediaStreamTrack> MediaStream::getAudioTracks() const
{
    auto tracks = impl_->tracks();
    std::erase_if(tracks, [](const MediaStreamTrack& t) { return t.kind() != "audio"; });
    return tracks;
}

std::vector<MediaStreamTrack> MediaStream::getVideoTracks() const
{
    auto tracks = impl_->tracks();
    std::erase_if(tracks, [](const MediaStreamTrack& t) { return t.kind() != "video"; });
    return tracks;
}

std::optional<MediaStreamTrack> MediaStream::getTrackById(std::string_view id) const
{
    for (auto& track : impl_->tracks()) {
        if (track.id() == id)
            return track;
    }
    return std::nullopt;
}

void MediaStream::addTrack(const MediaStreamTrack& track)
{
    impl_->add(track);
}

void MediaStream::removeTrack(const MediaStreamTrack& track)
{
    impl_->remove(track);
}

MediaStream MediaStream::clone() const
{
    MediaStream copy;
    for (const auto& track : impl_->tracks())
        copy.impl_->add(track.clone());
    return copy;
}

bool MediaStream::active() const
{
    return impl_->active();
}

ListenerId MediaStream::addEventListener(std::string_view type,
                                         std::function<void(const MediaStreamEvent&)> listener)
{
    return impl_->listen(type, std::move(listener));
}

void MediaStream::removeEventListener(ListenerId id)
{
    impl_->unlisten(id);
}

void LocalMediaStream::stop()
{
    for (auto& track : getTracks())
        track.stop();
}

} // namespace usermedia
