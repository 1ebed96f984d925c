// Small helpers around libprotobuf-c for Swift: things Swift cannot reach directly
// (static data, macros) and the counting allocator that bounds decode memory.
#ifndef CATENDE_PROTOBUF_C_SHIM_H
#define CATENDE_PROTOBUF_C_SHIM_H

#include <protobuf-c/protobuf-c.h>
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

/// Allocates and initialises an empty message of the given type (malloc'd; free it
/// with protobuf_c_message_free_unpacked(message, NULL)).
static inline ProtobufCMessage *catende_message_new(const ProtobufCMessageDescriptor *descriptor) {
  ProtobufCMessage *message = (ProtobufCMessage *)malloc(descriptor->sizeof_message);
  if (message == NULL) abort();
  descriptor->message_init(message);
  return message;
}

#endif
