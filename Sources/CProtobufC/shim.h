// Small helpers around libprotobuf-c for Swift: things Swift cannot reach directly
// (static data, macros) and the counting allocator that bounds decode memory.
#ifndef CATENDE_PROTOBUF_C_SHIM_H
#define CATENDE_PROTOBUF_C_SHIM_H

#include <protobuf-c/protobuf-c.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/// The shared empty string that protobuf-c uses as the default of string fields.
/// Fields pointing at it must never be freed.
static inline const char *catende_empty_string(void) { return protobuf_c_empty_string; }

/// Budget state of one decode: bytes handed out so far and the limit.
typedef struct {
  size_t used;
  size_t limit;
  int exceeded;
} catende_budget;

static inline void *catende_budget_alloc(void *data, size_t size) {
  catende_budget *budget = (catende_budget *)data;
  if (size > budget->limit || budget->used > budget->limit - size) {
    budget->exceeded = 1;
    return NULL;
  }
  budget->used += size;
  return malloc(size);
}

static inline void catende_budget_free(void *data, void *pointer) {
  (void)data;
  free(pointer);
}

/// An allocator that fails once `budget->limit` bytes have been allocated in total.
static inline ProtobufCAllocator catende_budget_allocator(catende_budget *budget) {
  ProtobufCAllocator allocator;
  allocator.alloc = catende_budget_alloc;
  allocator.free = catende_budget_free;
  allocator.allocator_data = budget;
  return allocator;
}

/// Reads a base-128 varint at `*position` (advancing it); 0 when truncated or longer than
/// 10 bytes.
static inline int catende_read_varint(const uint8_t *data, size_t length, size_t *position, uint64_t *value) {
  uint64_t result = 0;
  for (unsigned shift = 0; shift < 70; shift += 7) {
    if (*position >= length) return 0;
    uint8_t byte = data[(*position)++];
    result |= (uint64_t)(byte & 0x7f) << shift;
    if (!(byte & 0x80)) {
      *value = result;
      return 1;
    }
  }
  return 0;
}

/// Whether `data`, read as a message of `descriptor`, nests sub-messages more than
/// `depth_left` levels deep. Only the fields the descriptor declares as messages are
/// entered (unknown fields are kept as bytes by protobuf-c and never parsed), so the
/// recursion is at most `depth_left` calls deep. Input that is malformed in any other way
/// answers 0: protobuf-c's unpack reports it.
static inline int catende_nesting_exceeds(
  const ProtobufCMessageDescriptor *descriptor, const uint8_t *data, size_t length, unsigned depth_left) {
  size_t position = 0;
  while (position < length) {
    uint64_t tag, size;
    if (!catende_read_varint(data, length, &position, &tag)) return 0;
    switch (tag & 7) {
    case 0:
      if (!catende_read_varint(data, length, &position, &size)) return 0;
      break;
    case 1:
      if (length - position < 8) return 0;
      position += 8;
      break;
    case 5:
      if (length - position < 4) return 0;
      position += 4;
      break;
    case 2: {
      if (!catende_read_varint(data, length, &position, &size) || size > length - position) return 0;
      uint64_t number = tag >> 3;
      const ProtobufCFieldDescriptor *field =
        number <= 0x1fffffff ? protobuf_c_message_descriptor_get_field(descriptor, (unsigned)number) : NULL;
      if (field != NULL && field->type == PROTOBUF_C_TYPE_MESSAGE) {
        if (depth_left == 0) return 1;
        if (catende_nesting_exceeds(
              (const ProtobufCMessageDescriptor *)field->descriptor, data + position, (size_t)size, depth_left - 1))
          return 1;
      }
      position += (size_t)size;
      break;
    }
    default:
      return 0;  // groups (3, 4) and invalid wire types: unpack refuses them
    }
  }
  return 0;
}

/// Allocates and initialises an empty message of the given type (malloc'd; free it
/// with protobuf_c_message_free_unpacked(message, NULL)).
static inline ProtobufCMessage *catende_message_new(const ProtobufCMessageDescriptor *descriptor) {
  ProtobufCMessage *message = (ProtobufCMessage *)malloc(descriptor->sizeof_message);
  if (message == NULL) abort();
  descriptor->message_init(message);
  return message;
}

#endif
