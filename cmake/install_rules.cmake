# SPDX-License-Identifier: MIT
# (filled in with the install/package step)
