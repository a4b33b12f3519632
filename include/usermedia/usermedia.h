// SPDX-License-Identifier: MIT
// The umbrella header: everything an application needs.
#pragma once

#include <usermedia/audio_buffer.h>
#include <usermedia/capabilities.h>
#include <usermedia/clock.h>
#include <usermedia/constraints.h>
#include <usermedia/devices_in_use.h>
#include <usermedia/error.h>
#include <usermedia/explain.h>
#include <usermedia/media_device_info.h>
#include <usermedia/media_devices.h>
#include <usermedia/media_stream.h>
#include <usermedia/media_stream_track.h>
#include <usermedia/permissions.h>
#include <usermedia/promise.h>
#include <usermedia/result.h>
#include <usermedia/settings.h>
#include <usermedia/version.h>
#include <usermedia/video_frame.h>
