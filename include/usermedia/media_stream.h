// SPDX-License-Identifier: MIT
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <usermedia/export.h>
#include <usermedia/media_stream_track.h>

namespace usermedia {

/** \brief What a MediaStream listener receives (MediaStreamTrackEvent, or a plain Event). */
struct MediaStreamEvent
{
    std::string type;       ///< "addtrack", "removetrack", "active" or "inactive"
    MediaStreamTrack track; ///< the track, for addtrack and removetrack
};

/**
 * \brief MediaStream: an ordered set of tracks.
 *
 * A handle: copies refer to the same stream. Thread: every member is thread-safe; listeners
 * run on the thread whose call changed the stream, or on the control thread when a track ended.
 * \see https://w3c.github.io/mediacapture-main/#mediastream
 */
class UM_EXPORT MediaStream
{
public:
    class Impl;

    /** \brief `new MediaStream()`: an empty stream with a fresh id. */
    MediaStream();
    /** \brief `new MediaStream(tracks)`. */
    explicit MediaStream(const std::vector<MediaStreamTrack>& tracks);

    std::string id() const;
    std::vector<MediaStreamTrack> getTracks() const;
    std::vector<MediaStreamTrack> getAudioTracks() const;
    std::vector<MediaStreamTrack> getVideoTracks() const;
    std::optional<MediaStreamTrack> getTrackById(std::string_view id) const;
    /**
     * \brief Adds a track (no-op if present). Unlike the spec, which fires `addtrack` only for
     * changes the user agent makes, listeners here see every change: native code has no other
     * way to observe a stream shared between components.
     */
    void addTrack(const MediaStreamTrack& track);
    void removeTrack(const MediaStreamTrack& track);
    /** \brief A new stream with clones of every track. */
    MediaStream clone() const;
    /** \brief True while at least one track is live. */
    bool active() const;

    /** \brief Listens for "addtrack", "removetrack", "active", "inactive"; 0 if unknown. */
    ListenerId addEventListener(std::string_view type,
                                std::function<void(const MediaStreamEvent&)> listener);
    void removeEventListener(ListenerId id);

    bool operator==(const MediaStream& other) const { return impl_ == other.impl_; }

protected:
    std::shared_ptr<Impl> impl_;
};

/**
 * \brief The original page's LocalMediaStream: a MediaStream with stop(), which ends every
 * track it holds. The legacy getUserMedia form hands this to its success callback.
 */
class UM_EXPORT LocalMediaStream : public MediaStream
{
public:
    LocalMediaStream() = default;
    explicit LocalMediaStream(const MediaStream& stream) : MediaStream(stream) {}
    /** \brief Stops every track of the stream. */
    void stop();
};

} // namespace usermedia
