-- Device Authentication Service (DAS): the device id the DAS server derived
-- from a device's DAS SDK challenge is a hardware-bound identity. A device
-- signed on through DAS is bound to it: at most one device of a tenant holds a
-- DAS id, and a later DAS sign-on with another DAS id is refused.
ALTER TABLE devices ADD COLUMN das_device_id TEXT;
-- The MAC address a managed device reported (nv-mac-address) when the tenant
-- runs in-home detection.
ALTER TABLE devices ADD COLUMN mac_address TEXT;
CREATE UNIQUE INDEX devices_das_device_id ON devices (tenant_id, das_device_id);
