"use client";

import { useState, useTransition } from "react";
import { useRouter } from "next/navigation";
import { toast } from "sonner";
import { AlertTriangle } from "lucide-react";
import { Button } from "@/components/ui/button";
import { Badge } from "@/components/ui/badge";
import { ErrorSummary } from "@/components/ui/error-summary";
import { inputClass } from "@/components/ui/field";
import { UnsavedChangesGuard } from "@/components/ui/unsaved-changes";
import type { ActionState } from "@/lib/actions";
import { Table, TBody, Td, Th, THead, Tr } from "@/components/ui/table";
import type { MappingRow } from "@/lib/ontraport/config/mapping";
import { saveMappingsAction } from "./actions";

/** A Product Mapping row as lib/ontraport/mapping lists it. */
export type MappingTableRow = MappingRow;

function sentAs(itemId: string, value: string): string {
  const v = value.trim();
  return v ? v : itemId;
}

/** The Product Mapping rows of one page: edit many, one Save posts only the changed rows. */
export function MappingTable({ rows, readOnly }: { rows: MappingTableRow[]; readOnly: boolean }) {
  const router = useRouter();
  const [edits, setEdits] = useState<Record<string, string>>({});
  const [tagEdits, setTagEdits] = useState<Record<string, string>>({});
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [tagErrors, setTagErrors] = useState<Record<string, string>>({});
  // The last refusal, as the server said it (the ErrorSummary lists it; a new one takes focus).
  const [refusal, setRefusal] = useState<ActionState>({});
  const [pending, start] = useTransition();

  const original = (r: MappingTableRow) => r.mapping ?? "";
  const nameChanged = (r: MappingTableRow) => edits[r.itemId] !== undefined && edits[r.itemId] !== original(r);
  const tagsChanged = (r: MappingTableRow) => tagEdits[r.itemId] !== undefined && tagEdits[r.itemId] !== r.tags;
  const changed = rows.filter((r) => nameChanged(r) || tagsChanged(r));
  const dirty = changed.length > 0;

  const save = () =>
    start(async () => {
      const r = await saveMappingsAction({
        changes: changed.map((row) => ({
          itemId: row.itemId,
          ...(nameChanged(row) ? { value: edits[row.itemId]! } : {}),
          ...(tagsChanged(row) ? { tags: tagEdits[row.itemId]! } : {}),
        })),
      });
      if (r.error) {
        const fe = Object.entries(r.fieldErrors ?? {});
        setRefusal(r);
        setErrors(Object.fromEntries(fe.filter(([k]) => k.startsWith("mapping_")).map(([k, v]) => [k.slice("mapping_".length), v])));
        setTagErrors(Object.fromEntries(fe.filter(([k]) => k.startsWith("tags_")).map(([k, v]) => [k.slice("tags_".length), v])));
        return;
      }
      setRefusal({});
      setErrors({});
      setTagErrors({});
      setEdits({});
      setTagEdits({});
      toast.success(r.message ?? "Saved.");
      router.refresh();
    });

  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        if (dirty && !readOnly) save();
      }}
      className="space-y-3"
      aria-label="Product Mapping"
    >
      <ErrorSummary error={refusal.error} fieldErrors={refusal.fieldErrors} answer={refusal} />
      <UnsavedChangesGuard count={readOnly ? 0 : changed.length} />
      <Table caption="Product Mapping">
        <THead>
          <tr>
            <Th className="w-48">Item ID</Th>
            <Th>Description</Th>
            <Th className="w-[18rem]">ONTRAPORT Product Name</Th>
            <Th>Sent as</Th>
            <Th className="w-52">ONTRAPORT tags</Th>
          </tr>
        </THead>
        <TBody>
          {rows.map((r) => {
            const value = edits[r.itemId] ?? original(r);
            const tags = tagEdits[r.itemId] ?? r.tags;
            const isChanged = value !== original(r) || tags !== r.tags;
            const tagError = tagErrors[r.itemId];
            const tagsId = `tags-${r.itemId}`;
            const error = errors[r.itemId];
            const conflict = r.conflictCount > 0 && !isChanged;
            const inputId = `map-${r.itemId}`;
            return (
              <Tr key={r.itemId} className={conflict ? "bg-amber-50/60 hover:bg-amber-50" : undefined} data-item={r.itemId}>
                <Td className="font-mono text-xs">{r.itemId}</Td>
                <Td>{r.description}</Td>
                <Td>
                  <label htmlFor={inputId} className="sr-only">
                    ONTRAPORT Product Name for {r.itemId}
                  </label>
                  <input
                    id={inputId}
                    name={`mapping_${r.itemId}`}
                    className={inputClass}
                    value={value}
                    placeholder={r.itemId}
                    readOnly={readOnly}
                    maxLength={1000}
                    aria-invalid={error ? true : undefined}
                    aria-describedby={error ? `${inputId}-error` : conflict ? `${inputId}-conflict` : undefined}
                    onChange={(e) => setEdits((prev) => ({ ...prev, [r.itemId]: e.target.value }))}
                  />
                  {error && (
                    <p id={`${inputId}-error`} className="mt-1 text-xs font-medium text-red-700">
                      {error}
                    </p>
                  )}
                  {conflict && (
                    <p id={`${inputId}-conflict`} className="mt-1 flex items-start gap-1 text-xs text-amber-900" data-testid="conflict">
                      <AlertTriangle className="mt-0.5 size-3.5 shrink-0" aria-hidden="true" />
                      <span>
                        Duplicate: also sent as “{r.sentAs}”: {r.conflictsWith.join(", ")}
                        {r.conflictCount > r.conflictsWith.length ? ` and ${r.conflictCount - r.conflictsWith.length} more` : ""}. ONTRAPORT would record these as one product; give
                        each its own name.
                      </span>
                    </p>
                  )}
                </Td>
                <Td>
                  <span className="break-all" data-testid="sent-as">
                    {sentAs(r.itemId, value)}
                  </span>
                  {!value.trim() && <span className="ml-1 text-xs text-zinc-500">(Item ID)</span>}
                  {isChanged && (
                    <Badge tone="info" className="ml-2">
                      Unsaved
                    </Badge>
                  )}
                </Td>
                <Td>
                  <label htmlFor={tagsId} className="sr-only">
                    ONTRAPORT tags for {r.itemId}
                  </label>
                  <input
                    id={tagsId}
                    name={`tags_${r.itemId}`}
                    className={inputClass}
                    value={tags}
                    placeholder="No tags"
                    readOnly={readOnly}
                    maxLength={5000}
                    aria-invalid={tagError ? true : undefined}
                    aria-describedby={tagError ? `${tagsId}-error` : undefined}
                    onChange={(e) => setTagEdits((prev) => ({ ...prev, [r.itemId]: e.target.value }))}
                  />
                  {tagError && (
                    <p id={`${tagsId}-error`} className="mt-1 text-xs font-medium text-red-700">
                      {tagError}
                    </p>
                  )}
                </Td>
              </Tr>
            );
          })}
        </TBody>
      </Table>
      {!readOnly && (
        <div className="flex flex-wrap items-center gap-3">
          <Button type="submit" pending={pending} disabled={!dirty}>
            Save mappings
          </Button>
          <span className="text-sm text-zinc-600" aria-live="polite">
            {dirty ? `${changed.length} unsaved ${changed.length === 1 ? "change" : "changes"} on this page` : "No unsaved changes"}
          </span>
          {dirty && (
            <Button
              variant="ghost"
              onClick={() => {
                setEdits({});
                setTagEdits({});
                setErrors({});
                setTagErrors({});
                setRefusal({});
              }}
            >
              Discard changes
            </Button>
          )}
        </div>
      )}
    </form>
  );
}
