/* SPDX-License-Identifier: GPL-2.0 */
/* The datapath under test, built so SETUP programs may write the agent-owned maps. Tests call
 * mesh_handle_from_container / mesh_handle_to_container directly. */
#ifndef MESH_TEST_DATAPATH_H
#define MESH_TEST_DATAPATH_H

#define MESH_MAP_RDONLY_PROG 0
#define MESH_NO_ENTRY_POINTS
#include "../../programs/mesh_lxc.c"

#include "maps.h"
#include "mesh_test.h"
#include "pktgen.h"

#endif /* MESH_TEST_DATAPATH_H */
