/** The trigger's events: the vendor family watches the catalogue, the integration family one organization. */
export type VendorEvent = 'vendorAdded' | 'vendorChanged';
export type IntegrationEvent = 'integrationAdded' | 'integrationRemoved' | 'integrationChanged';
export type TriggerEvent = VendorEvent | IntegrationEvent;

export const VENDOR_EVENTS: VendorEvent[] = ['vendorAdded', 'vendorChanged'];
export const INTEGRATION_EVENTS: IntegrationEvent[] = ['integrationAdded', 'integrationRemoved', 'integrationChanged'];

export function isVendorEvent(event: string): event is VendorEvent {
	return (VENDOR_EVENTS as string[]).includes(event);
}

export function isIntegrationEvent(event: string): event is IntegrationEvent {
	return (INTEGRATION_EVENTS as string[]).includes(event);
}
