// "Type-Safe Data Models and Schemas" of seed 000 (Zod), TypeScript types stripped; logic unchanged.
import { z } from 'zod';
import { ObjectId } from 'mongodb';

// Custom Zod schema for ObjectId
const ObjectIdSchema = z.custom((val) => {
  return ObjectId.isValid(val);
}, 'Invalid ObjectId');

// Branded types for type safety
const DepartmentIdSchema = z.string().brand();
const ProjectIdSchema = ObjectIdSchema.brand();
const PartIdSchema = z.string().brand();
const PhotoIdSchema = ObjectIdSchema.brand();

// Manufacturing photo schema with comprehensive validation
export const PhotoMetadataSchema = z.object({
  _id: PhotoIdSchema,
  localPath: z.string().min(1),
  remoteUrl: z.string().url().optional(),
  fileName: z.string().min(1),

  // Manufacturing context
  departmentId: DepartmentIdSchema,
  projectId: ProjectIdSchema,
  partId: PartIdSchema,
  jobNumber: z.string().min(1),

  // Timestamps
  capturedAt: z.date(),
  syncedAt: z.date().optional(),
  lastModified: z.date(),

  // File information
  fileSize: z.number().positive(),
  mimeType: z.string().regex(/^image\//),
  checksumMD5: z.string().length(32),

  // Sync status
  syncStatus: z.enum(['pending', 'syncing', 'synced', 'failed', 'conflicted']),
  syncAttempts: z.number().default(0),

  // Manufacturing-specific metadata
  metadata: z.object({
    inspectionType: z.string(),
    qualityRating: z.number().min(1).max(10).optional(),
    defectsFound: z.array(z.string()).default([]),
    inspectorNotes: z.string().optional(),
    machineId: z.string().optional(),
    batchNumber: z.string().optional(),

    // Location data
    location: z.object({
      latitude: z.number().min(-90).max(90),
      longitude: z.number().min(-180).max(180),
      accuracy: z.number().positive().optional()
    }).optional(),

    // Device information
    deviceInfo: z.object({
      deviceId: z.string(),
      model: z.string(),
      osVersion: z.string(),
      appVersion: z.string(),
      cameraSettings: z.object({
        quality: z.number().min(0).max(100),
        flash: z.enum(['auto', 'on', 'off']),
        resolution: z.object({
          width: z.number().positive(),
          height: z.number().positive()
        })
      })
    })
  }),

  // Audit trail
  auditTrail: z.array(z.object({
    action: z.enum(['created', 'updated', 'synced', 'deleted']),
    timestamp: z.date(),
    userId: z.string(),
    deviceId: z.string(),
    details: z.record(z.unknown()).optional()
  })).default([])
});

// Validation functions
export function validatePhotoMetadata(data) {
  return PhotoMetadataSchema.parse(data);
}
