import { create } from 'zustand';

export const usePaletteStore = create<{ open: boolean }>()(() => ({ open: false }));

export const openPalette = (): void => usePaletteStore.setState({ open: true });
export const closePalette = (): void => usePaletteStore.setState({ open: false });
