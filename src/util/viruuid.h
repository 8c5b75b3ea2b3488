/*
 * viruuid.h: UUID parse/format/generate
 */
#pragma once

#include <glib.h>

#define VIR_UUID_BUFLEN 16
#define VIR_UUID_STRING_BUFLEN 37

gboolean virUUIDParse(const char *str, unsigned char *uuid);
void virUUIDFormat(const unsigned char *uuid, char *str);
void virUUIDGenerate(unsigned char *uuid);
gboolean virUUIDIsNull(const unsigned char *uuid);
