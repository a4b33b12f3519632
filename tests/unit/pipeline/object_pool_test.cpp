// SPDX-License-Identifier: MIT
#include "pipeline/object_pool.h"

#include <gtest/gtest.h>

#include "pipeline/pixel_buffer.h"

namespace usermedia {
namespace {

TEST(ObjectPool, ReusesReleasedObjects)
{
    int made = 0;
    auto pool = ObjectPool<int>::create([&made] {
        ++made;
        return std::make_unique<int>(0);
    });
    const int* first = nullptr;
    {
        auto a = pool->acquire();
        first = a.get();
    }
    auto b = pool->acquire();
    EXPECT_EQ(b.get(), first);
    auto c = pool->acquire();
    EXPECT_NE(c.get(), first);
    EXPECT_EQ(made, 2);
}

TEST(ObjectPool, ObjectsOutliveThePool)
{
    auto pool = makePixelBufferPool(VideoPixelFormat::I420, 4, 4);
    auto buffer = pool->acquire();
    pool.reset();
    buffer->fillBlack(); // still valid; freed normally when released
    EXPECT_EQ(buffer->y()[0], 16);
}

} // namespace
} // namespace usermedia
