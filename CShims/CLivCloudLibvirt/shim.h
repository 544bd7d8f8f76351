#ifndef CLIVCLOUD_LIBVIRT_SHIM_H
#define CLIVCLOUD_LIBVIRT_SHIM_H
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#endif
